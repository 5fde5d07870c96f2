using System.Buffers.Text;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Governance.Domain.Incidents;

namespace Governance.Incidents.Worklists;

/// <summary>The filters of ListIncidents; every one optional, all combined with AND.</summary>
public sealed record IncidentQuery
{
    public IReadOnlySet<IncidentState> States { get; init; } = new HashSet<IncidentState>();

    /// <summary>Only incidents this department is working on now (an active assignment).</summary>
    public string? DepartmentCode { get; init; }

    /// <summary>A region code prefix matched against <see cref="WorklistRules.RegionOf"/>.</summary>
    public string? RegionCode { get; init; }

    public string? CategoryCode { get; init; }

    public bool OverdueOnly { get; init; }

    public bool SupervisedOnly { get; init; }

    /// <summary>Inclusive.</summary>
    public DateTimeOffset? ReportedFrom { get; init; }

    /// <summary>Exclusive.</summary>
    public DateTimeOffset? ReportedTo { get; init; }

    public bool Matches(Incident incident, DateTimeOffset now) =>
        (States.Count == 0 || States.Contains(incident.State))
        && (string.IsNullOrEmpty(DepartmentCode) || incident.ActiveAssignmentOf(DepartmentCode) is not null)
        && (string.IsNullOrEmpty(RegionCode) || WorklistRules.RegionOf(incident).StartsWith(RegionCode, StringComparison.Ordinal))
        && (string.IsNullOrEmpty(CategoryCode) || incident.Category.Code == CategoryCode)
        // A finished incident is never overdue, whatever its assignments still say.
        && (!OverdueOnly || (incident.IsOpen && incident.IsOverdue(now)))
        && (!SupervisedOnly || incident.Supervisions > 0)
        && (ReportedFrom is not { } from || incident.ReportedAt >= from)
        && (ReportedTo is not { } to || incident.ReportedAt < to);
}

/// <summary>
/// Where an incident sorts in a list: newest report first, then by id so equal times still have one order. The
/// report time never changes, so a key stays valid for the incident's whole life.
/// </summary>
public readonly record struct ReportKey(DateTimeOffset ReportedAt, string Id) : IComparable<ReportKey>
{
    public static ReportKey Of(Incident incident) => new(incident.ReportedAt, incident.Id);

    public int CompareTo(ReportKey other)
    {
        var byTime = other.ReportedAt.UtcTicks.CompareTo(ReportedAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(Id, other.Id);
    }

    public static bool operator <(ReportKey left, ReportKey right) => left.CompareTo(right) < 0;

    public static bool operator >(ReportKey left, ReportKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReportKey left, ReportKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReportKey left, ReportKey right) => left.CompareTo(right) >= 0;
}

/// <summary>Pages of a list ordered by <see cref="ReportKey"/>, resumed after the last key of the previous page.</summary>
public static class WorklistPaging
{
    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 500;

    private const string TokenVersion = "v1";

    /// <summary>The page size to use, or null when the request's is out of range.</summary>
    public static int? PageSize(int requested) => requested switch
    {
        0 => DefaultPageSize,
        >= 1 and <= MaxPageSize => requested,
        _ => null,
    };

    /// <summary>
    /// The next page after <paramref name="after"/> (from the start when null) of incidents that pass
    /// <paramref name="include"/>, and the key to resume after when more follow. Resuming after a key rather than
    /// skipping an offset keeps pages stable while new reports arrive at the top.
    /// </summary>
    public static (IReadOnlyList<Incident> Items, ReportKey? Next) Page(
        ImmutableSortedSet<ReportKey> order, Func<ReportKey, Incident?> lookup, Func<Incident, bool> include, int pageSize, ReportKey? after)
    {
        var start = 0;
        if (after is { } cursor)
        {
            var index = order.IndexOf(cursor);
            start = index >= 0 ? index + 1 : ~index;
        }
        var items = new List<Incident>(pageSize);
        var more = false;
        for (var i = start; i < order.Count; i++)
        {
            if (lookup(order[i]) is not { } incident || !include(incident))
            {
                continue;
            }
            if (items.Count == pageSize)
            {
                more = true;
                break;
            }
            items.Add(incident);
        }
        return (items, more ? ReportKey.Of(items[^1]) : null);
    }

    /// <summary>An opaque token: clients pass it back unchanged and must not build one.</summary>
    public static string Encode(ReportKey key)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{TokenVersion}:{key.ReportedAt.UtcTicks}:{key.Id}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The key in a token, or null when the token is not one this service made.</summary>
    public static ReportKey? Decode(string token)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = Encoding.UTF8.GetString(bytes).Split(':', 3);
        if (parts.Length != 3 || parts[0] != TokenVersion || parts[2].Length == 0
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }
        return new ReportKey(new DateTimeOffset(ticks, TimeSpan.Zero), parts[2]);
    }
}
