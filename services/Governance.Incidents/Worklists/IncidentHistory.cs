using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Governance.Incidents.Storage;

namespace Governance.Incidents.Worklists;

/// <summary>One event of an incident's audit trail, with what the store kept beside it.</summary>
public sealed record HistoryRecord(long Version, long Position, IncidentHistoryEntry Entry, EventMetadata Metadata);

/// <summary>
/// The full audit trail of one incident, read from its stream rather than the projection: the store's metadata
/// (client, peer, trace) is not folded into the incident, and an audit answer must not lag the log.
/// </summary>
public sealed class IncidentHistory(IEventStore store)
{
    /// <summary>The incident as it stands and every event of it, oldest first; null when it does not exist.</summary>
    public async Task<(Incident Incident, IReadOnlyList<HistoryRecord> Records)?> ReadAsync(string incidentId, CancellationToken cancellationToken)
    {
        var recorded = await store.ReadStreamAsync(StreamNames.Incident(incidentId), 1, int.MaxValue, cancellationToken).ConfigureAwait(false);
        if (recorded.Count == 0)
        {
            return null;
        }
        Incident? incident = null;
        var records = new HistoryRecord[recorded.Count];
        for (var i = 0; i < recorded.Count; i++)
        {
            var @event = (IIncidentEvent)EventSerializer.Deserialize(recorded[i].Type, recorded[i].Data.Span);
            incident = IncidentDecider.Apply(incident, @event);
            // Every event adds exactly one line to the folded history, with the same note GetIncident shows.
            records[i] = new HistoryRecord(recorded[i].Version, recorded[i].Position, incident.History[^1],
                EventSerializer.DeserializeMetadata(recorded[i].Metadata.Span));
        }
        return (incident!, records);
    }
}
