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
public sealed record RateSlice(
    string? RegionCode = null,
    string? DepartmentCode = null,
    string? CategoryCode = null,
    Platform? Platform = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);
