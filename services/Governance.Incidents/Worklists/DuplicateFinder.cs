using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Geography;

namespace Governance.Incidents.Worklists;

/// <summary>Finds, at report time, the open incident a new report likely duplicates (same category, near, recent).</summary>
public sealed class DuplicateFinder(IncidentProjection projection)
{
    /// <summary>
    /// The projection folds in memory and is normally milliseconds behind; waiting longer than this would trade a
    /// report's latency for a flag a person can still set by merging.
    /// </summary>
    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(2);

    public async Task<DuplicateCandidate?> FindAsync(Category category, GeoPoint wgs84, string incidentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!category.Duplicates.IsEnabled)
        {
            return null;
        }
        // A report acknowledged a moment ago (by this process or another replica) is in the log but perhaps not yet
        // folded: catch up to the head first, so two reports made one after the other are compared.
        var state = await projection.CurrentAtHeadAsync(CatchUpLimit, cancellationToken).ConfigureAwait(false);
        return state.Duplicates.Find(category.Code, wgs84, category.Duplicates, now, incidentId);
    }
}
