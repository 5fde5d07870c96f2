using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Geography;
using Governance.Incidents.Storage;

namespace Governance.Incidents.Worklists;

/// <summary>Finds, at report time, the open incident a new report likely duplicates (same category, near, recent).</summary>
public sealed class DuplicateFinder(IncidentProjection projection, DomainStreams streams)
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
        // A report this process acknowledged a moment ago is in the log but perhaps not yet folded: wait for it, so
        // two reports made one after the other are compared. Asking the store for its head instead would cost a query
        // per report; another replica's report of the last few milliseconds may be missed, and a person can still
        // merge what the flag missed.
        var state = await projection.CurrentAtLeastAsync(streams.LastAppendedPosition, CatchUpLimit, cancellationToken).ConfigureAwait(false);
        return state.Duplicates.Find(category.Code, wgs84, category.Duplicates, now, incidentId);
    }
}
