using Governance.Contracts.V1;

namespace Governance.Analytics.Rates;

/// <summary>
/// Which incidents a figure counts, and its window [<see cref="From"/>, <see cref="To"/>). Null parts do not filter.
/// The rules of counting are in proto/governance/v1/analytics.proto and the README's "Rates" section.
/// </summary>
/// <param name="RegionCode">A county, township, village or grid code; an incident counts when its most specific
/// region code (grid, else village, else township, else county) starts with it.</param>
/// <param name="DepartmentCode">Incidents whose lead department (主办) is this one; for assignment rates, the
/// department's own assignments.</param>
/// <param name="CategoryCode">Incidents of this category.</param>
/// <param name="Platform">Incidents of categories of this platform (四平台).</param>
/// <param name="From">The window's start, inclusive; null: the beginning of time.</param>
/// <param name="To">The window's end, exclusive; null: the moment the figures are judged at.</param>
public sealed record RateSlice(
    string? RegionCode = null,
    string? DepartmentCode = null,
    string? CategoryCode = null,
    Platform? Platform = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);
