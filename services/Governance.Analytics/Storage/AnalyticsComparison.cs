using Google.Protobuf;
using Governance.Analytics.Projection;

namespace Governance.Analytics.Storage;

/// <summary>
/// Exact comparison of two analytics stores or snapshots: the same position, the same incidents, and for each the
/// same version, log position (stores) and facts, byte for byte. A rebuild is right when it has no differences from
/// the live store it replaces.
/// </summary>
public static class AnalyticsComparison
{
    /// <summary>The differences, described for a person; empty when the two are identical.</summary>
    /// <param name="expected">One store's contents (e.g. the live one).</param>
    /// <param name="actual">The other's (e.g. the rebuilt one).</param>
    /// <param name="max">Stop after this many differences.</param>
    public static IReadOnlyList<string> Differences(StoredAnalytics expected, StoredAnalytics actual, int max = 20)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var differences = new List<string>();
        if (expected.Position != actual.Position)
        {
            differences.Add($"position {expected.Position} ≠ {actual.Position}");
        }
        var theirs = new Dictionary<string, StoredIncident>(StringComparer.Ordinal);
        foreach (var incident in actual.Incidents)
        {
            if (!theirs.TryAdd(incident.IncidentId, incident))
            {
                differences.Add($"incident {incident.IncidentId} appears twice in the second");
            }
        }
        foreach (var mine in expected.Incidents)
        {
            if (differences.Count >= max)
            {
                return differences;
            }
            if (!theirs.Remove(mine.IncidentId, out var other))
            {
                differences.Add($"incident {mine.IncidentId} is missing from the second");
            }
            else if (mine.Version != other.Version || mine.Position != other.Position)
            {
                differences.Add($"incident {mine.IncidentId}: v{mine.Version} at position {mine.Position} ≠ v{other.Version} at position {other.Position}");
            }
            else if (!mine.Facts.Span.SequenceEqual(other.Facts.Span))
            {
                differences.Add($"incident {mine.IncidentId}: the facts of v{mine.Version} differ");
            }
        }
        foreach (var extra in theirs.Keys.Order(StringComparer.Ordinal))
        {
            if (differences.Count >= max)
            {
                break;
            }
            differences.Add($"incident {extra} is only in the second");
        }
        return differences;
    }

    /// <summary>The differences between two snapshots (position, incidents, facts bytes); empty when identical.</summary>
    /// <param name="expected">One snapshot (e.g. of the live projection).</param>
    /// <param name="actual">The other (e.g. after a rebuild or a shuffled redelivery).</param>
    /// <param name="max">Stop after this many differences.</param>
    public static IReadOnlyList<string> Differences(AnalyticsSnapshot expected, AnalyticsSnapshot actual, int max = 20)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return Differences(ToStored(expected), ToStored(actual), max);
    }

    /// <summary>
    /// A snapshot as store contents. A snapshot does not keep each incident's log position, so it is left 0 on both
    /// sides of a snapshot comparison.
    /// </summary>
    private static StoredAnalytics ToStored(AnalyticsSnapshot snapshot) => new(
        snapshot.Position,
        [.. snapshot.Incidents.Select(f => new StoredIncident(f.IncidentId, f.Version, 0, f.ToByteArray()))]);
}
