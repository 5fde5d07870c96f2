using Governance.Contracts.V1;
using Governance.PubSub;
using Google.Protobuf;

namespace Governance.Analytics.Tests.Support;

/// <summary>Turns builders' steps into what the relay publishes: IncidentLifeEvents with log positions, and CloudEvents.</summary>
internal static class LifeEvents
{
    private static readonly Actor Relay = new() { Subject = "test", Role = "system" };

    /// <summary>
    /// Every step of every incident as an event, positioned as a log would be: in order of time, and within one moment
    /// by incident and version.
    /// </summary>
    public static IReadOnlyList<IncidentLifeEvent> Of(IEnumerable<IncidentBuilder> incidents)
    {
        var steps = incidents
            .SelectMany(b => b.Steps)
            .OrderBy(s => s.At)
            .ThenBy(s => s.Facts.IncidentId, StringComparer.Ordinal)
            .ThenBy(s => s.Facts.Version)
            .ToList();
        var events = new List<IncidentLifeEvent>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            events.Add(Event(steps[i], i + 1));
        }
        return events;
    }

    public static IncidentLifeEvent Event(LifeStep step, long position)
    {
        var lifeEvent = new IncidentLifeEvent
        {
            EventId = $"{step.Facts.IncidentId}/{step.Facts.Version}",
            Position = position,
            IncidentId = step.Facts.IncidentId,
            IncidentVersion = step.Facts.Version,
            OccurredAt = IncidentBuilder.Ts(step.At),
            By = Relay,
            Incident = step.Facts.Clone(),
        };
        switch (step.Change)
        {
            case IncidentLifeEvent.ChangeOneofCase.Reported: lifeEvent.Reported = new IncidentReportedEvent { ClientReportId = step.Facts.IncidentId }; break;
            case IncidentLifeEvent.ChangeOneofCase.Registered: lifeEvent.Registered = new IncidentRegisteredEvent(); break;
            case IncidentLifeEvent.ChangeOneofCase.Rejected: lifeEvent.Rejected = new IncidentRejectedEvent { Reason = "not a case" }; break;
            case IncidentLifeEvent.ChangeOneofCase.Merged: lifeEvent.Merged = new IncidentMergedEvent { IntoIncidentId = step.Facts.MergedInto }; break;
            case IncidentLifeEvent.ChangeOneofCase.Dispatched: lifeEvent.Dispatched = new IncidentDispatchedEvent { LeadDepartmentCode = step.Facts.LeadDepartmentCode }; break;
            case IncidentLifeEvent.ChangeOneofCase.Signed: lifeEvent.Signed = new AssignmentSignedEvent(); break;
            case IncidentLifeEvent.ChangeOneofCase.Returned: lifeEvent.Returned = new AssignmentReturnedEvent { Reason = "not ours" }; break;
            case IncidentLifeEvent.ChangeOneofCase.Handled: lifeEvent.Handled = new AssignmentHandledEvent(); break;
            case IncidentLifeEvent.ChangeOneofCase.Verified: lifeEvent.Verified = new IncidentVerifiedEvent { Passed = step.Facts.Verifications[^1].Passed }; break;
            case IncidentLifeEvent.ChangeOneofCase.Closed: lifeEvent.Closed = new IncidentClosedEvent { ResolvedOnSpot = step.Facts.ResolvedOnSpot }; break;
            case IncidentLifeEvent.ChangeOneofCase.Reopened: lifeEvent.Reopened = new IncidentReopenedEvent { Reason = "came back" }; break;
            case IncidentLifeEvent.ChangeOneofCase.Escalated: lifeEvent.Escalated = new IncidentEscalatedEvent { FromTownshipCode = step.Facts.TownshipCode }; break;
            case IncidentLifeEvent.ChangeOneofCase.Supervised: lifeEvent.Supervised = new IncidentSupervisedEvent { Count = step.Facts.Supervisions }; break;
            case IncidentLifeEvent.ChangeOneofCase.Extended: lifeEvent.Extended = new DeadlineExtendedEvent(); break;
            default: throw new ArgumentOutOfRangeException(nameof(step), step.Change, "A step without a published change.");
        }
        return lifeEvent;
    }

    /// <summary>The batches as an asynchronous log reader hands them over, one at a time.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> Batches(IEnumerable<IReadOnlyList<IncidentLifeEvent>> batches)
    {
        foreach (var batch in batches)
        {
            await Task.Yield();
            yield return batch;
        }
    }

    /// <summary>The event as the relay wraps it: a CloudEvent of the change's type, protobuf data.</summary>
    public static CloudEvent Cloud(IncidentLifeEvent lifeEvent) => new()
    {
        Id = lifeEvent.EventId,
        Source = IntegrationTopics.IncidentsSource,
        Type = IntegrationTopics.CloudEventTypeOf(lifeEvent.ChangeCase),
        Subject = lifeEvent.IncidentId,
        DataContentType = IntegrationTopics.ProtobufContentType,
        Data = lifeEvent.ToByteArray(),
        Topic = IntegrationTopics.IncidentLife,
    };

    /// <summary>The same as JSON data (protobuf's JSON mapping), as a Dapr component configured for JSON would carry it.</summary>
    public static CloudEvent CloudJson(IncidentLifeEvent lifeEvent) => Cloud(lifeEvent) with
    {
        DataContentType = "application/json; charset=utf-8",
        Data = System.Text.Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(lifeEvent)),
    };
}
