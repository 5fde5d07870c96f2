using Google.Protobuf.WellKnownTypes;
using Governance.Domain.Incidents;
using Governance.Domain.Routing;
using Governance.EventStore;
using Governance.Incidents.Api;
using C = Governance.Contracts.V1;

namespace Governance.Incidents.Publishing;

/// <summary>
/// One stored incident event, with the incident folded up to and including it, as the integration event other
/// services see (incident_events.proto). Pure: the same log gives the same messages, whether the relay publishes them
/// or a rebuild replays them.
/// </summary>
public static class IncidentLifeMapper
{
    /// <summary>
    /// The integration event of <paramref name="event"/>, or null for a step that has no change of its own on the
    /// wire (a progress note, a duplicate flag or merge-in, an extension request or refusal): its effect reaches
    /// consumers in the facts of the next published step.
    /// </summary>
    /// <param name="after">The incident with <paramref name="event"/> applied.</param>
    /// <param name="event">The domain event.</param>
    /// <param name="recorded">Where the store keeps it: its id, position and stream version.</param>
    /// <exception cref="InvalidDataException"><paramref name="after"/> is not the incident at the recorded version.</exception>
    public static C.IncidentLifeEvent? Map(Incident after, IIncidentEvent @event, RecordedEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(recorded);
        if (after.Id != @event.IncidentId || after.Version != recorded.Version)
        {
            throw new InvalidDataException(
                $"Event {recorded.EventId} at position {recorded.Position} is version {recorded.Version} of incident {@event.IncidentId}, but the state it was folded onto is version {after.Version} of {after.Id}.");
        }
        var message = new C.IncidentLifeEvent
        {
            EventId = recorded.EventId.ToString(),
            Position = recorded.Position,
            IncidentId = after.Id,
            IncidentVersion = after.Version,
        };
        if (!SetChange(message, after, @event))
        {
            return null;
        }
        // Every applied event adds one history entry, so the last one is this event's time and actor.
        var entry = after.History[^1];
        message.OccurredAt = Timestamp.FromDateTimeOffset(entry.At);
        message.By = ContractMapping.ToContract(entry.By);
        message.Incident = Facts(after);
        return message;
    }

    /// <summary>The incident's facts as incident_events.proto defines them.</summary>
    public static C.IncidentFacts Facts(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var lead = LeadOrLastLead(incident);
        var facts = new C.IncidentFacts
        {
            IncidentId = incident.Id,
            Version = incident.Version,
            State = ContractMapping.ToContract(incident.State),
            Channel = ContractMapping.ToContract(incident.Channel),
            CategoryCode = incident.Category.Code,
            CategoryName = incident.Category.Name,
            Platform = ContractMapping.ToContract(incident.Category.Platform),
            CountyCode = incident.CountyCode,
            TownshipCode = incident.TownshipCode ?? "",
            VillageCode = incident.VillageCode ?? "",
            GridCode = incident.GridCode ?? "",
            ReportedAt = Timestamp.FromDateTimeOffset(incident.ReportedAt),
            LeadDepartmentCode = lead?.DepartmentCode ?? "",
            CrossDepartment = incident.CrossDepartment,
            Escalated = incident.Escalated,
            Supervisions = incident.Supervisions,
            Returns = incident.Returns,
            Reopens = incident.Reopens,
            // The outcome as it stands: a reopen takes the incident out of 现场处置 along with its closure.
            ResolvedOnSpot = incident.State == IncidentState.ResolvedOnSpot,
            MergedInto = incident.MergedInto ?? "",
        };
        SetIfPresent(incident.RegisteredAt, t => facts.RegisteredAt = t);
        SetIfPresent(incident.DispatchedAt, t => facts.FirstDispatchedAt = t);
        SetIfPresent(incident.ClosedAt, t => facts.ClosedAt = t);
        if (lead is not null)
        {
            facts.HandleDeadline = Timestamp.FromDateTimeOffset(lead.HandleDeadline);
            facts.HandleWarningAt = Timestamp.FromDateTimeOffset(lead.HandleWarningAt);
        }
        facts.DepartmentsInvolved.Add(incident.DepartmentsInvolved);
        foreach (var assignment in incident.Assignments)
        {
            facts.Assignments.Add(Facts(assignment));
        }
        foreach (var entry in incident.History)
        {
            var passed = entry.EventType switch
            {
                IncidentVerified.EventType => true,
                ReworkRequired.EventType => false,
                _ => (bool?)null,
            };
            if (passed is { } p)
            {
                facts.Verifications.Add(new C.VerificationFacts { At = Timestamp.FromDateTimeOffset(entry.At), Passed = p });
            }
        }
        return facts;
    }

    private static C.AssignmentFacts Facts(Assignment assignment)
    {
        var facts = new C.AssignmentFacts
        {
            DepartmentCode = assignment.DepartmentCode,
            Role = ContractMapping.ToContract(assignment.Role),
            State = ContractMapping.ToContract(assignment.State),
            DispatchedAt = Timestamp.FromDateTimeOffset(assignment.DispatchedAt),
            SignDeadline = Timestamp.FromDateTimeOffset(assignment.SignDeadline),
            HandleDeadline = Timestamp.FromDateTimeOffset(assignment.HandleDeadline),
            HandleWarningAt = Timestamp.FromDateTimeOffset(assignment.HandleWarningAt),
            Reworks = assignment.Reworks,
            Extensions = assignment.Extensions,
        };
        SetIfPresent(assignment.AcceptedAt, t => facts.AcceptedAt = t);
        SetIfPresent(assignment.HandledAt, t => facts.HandledAt = t);
        SetIfPresent(assignment.ReturnedAt, t => facts.ReturnedAt = t);
        SetIfPresent(assignment.WithdrawnAt, t => facts.WithdrawnAt = t);
        return facts;
    }

    /// <summary>The active lead; after a reopen (or a return of the lead) none is active, and the last lead stands for it.</summary>
    private static Assignment? LeadOrLastLead(Incident incident) =>
        incident.Lead ?? incident.Assignments.LastOrDefault(a => a.Role == AssignmentRole.Lead);

    /// <summary>
    /// The department's assignment the event touched. A department has at most one active assignment and gets a new
    /// one only when it has none, so its last assignment is the one an event about it changed.
    /// </summary>
    private static Assignment AssignmentOf(Incident incident, string departmentCode) =>
        incident.Assignments.LastOrDefault(a => a.DepartmentCode == departmentCode)
        ?? throw new InvalidDataException($"Incident {incident.Id} has no assignment of {departmentCode}, yet version {incident.Version} is about it.");

    private static bool SetChange(C.IncidentLifeEvent message, Incident after, IIncidentEvent @event)
    {
        switch (@event)
        {
            case IncidentReported e:
                message.Reported = new C.IncidentReportedEvent
                {
                    ClientReportId = e.ClientReportId,
                    OccurredAt = Timestamp.FromDateTimeOffset(e.OccurredAt),
                    RoutedDepartmentCode = e.Routing.Responsibility.DepartmentCode,
                    RoutedToCountyCenter = e.Routing.Match == RoutingMatch.Fallback,
                };
                return true;
            case IncidentRegistered e:
                message.Registered = new C.IncidentRegisteredEvent { Automatic = e.Automatic };
                return true;
            case IncidentRejected e:
                message.Rejected = new C.IncidentRejectedEvent { Reason = e.Reason };
                return true;
            case IncidentMerged e:
                message.Merged = new C.IncidentMergedEvent { IntoIncidentId = e.IntoIncidentId };
                return true;
            case IncidentDispatched e:
                var dispatched = new C.IncidentDispatchedEvent
                {
                    LeadDepartmentCode = e.LeadDepartmentCode,
                    SignDeadline = Timestamp.FromDateTimeOffset(e.SignDeadline),
                    HandleDeadline = Timestamp.FromDateTimeOffset(e.HandleDeadline),
                    Automatic = e.Automatic,
                    Redispatch = after.History.Count(h => h.EventType == IncidentDispatched.EventType) > 1,
                };
                dispatched.AssistingDepartmentCodes.Add(e.AssistingDepartmentCodes);
                message.Dispatched = dispatched;
                return true;
            case AssignmentSigned e:
                var signed = AssignmentOf(after, e.DepartmentCode);
                message.Signed = new C.AssignmentSignedEvent { DepartmentCode = e.DepartmentCode, OnTime = e.At <= signed.SignDeadline };
                return true;
            case AssignmentReturned e:
                message.Returned = new C.AssignmentReturnedEvent { DepartmentCode = e.DepartmentCode, Reason = e.Reason };
                return true;
            case AssignmentHandled e:
                var handled = AssignmentOf(after, e.DepartmentCode);
                message.Handled = new C.AssignmentHandledEvent { DepartmentCode = e.DepartmentCode, OnTime = e.At <= handled.HandleDeadline };
                return true;
            case IncidentVerified:
                message.Verified = new C.IncidentVerifiedEvent { Passed = true };
                return true;
            case ReworkRequired e:
                var rework = new C.IncidentVerifiedEvent { Passed = false };
                rework.ReworkDepartmentCodes.Add(e.DepartmentCodes);
                message.Verified = rework;
                return true;
            case IncidentClosed e:
                message.Closed = new C.IncidentClosedEvent { OnTime = ClosedOnTime(after, e.At), ResolvedOnSpot = false };
                return true;
            case IncidentResolvedOnSpot e:
                message.Closed = new C.IncidentClosedEvent { OnTime = ClosedOnTime(after, e.At), ResolvedOnSpot = true };
                return true;
            case IncidentReopened e:
                message.Reopened = new C.IncidentReopenedEvent { Reason = e.Reason };
                return true;
            case IncidentEscalated e:
                message.Escalated = new C.IncidentEscalatedEvent { FromTownshipCode = e.FromTownshipCode };
                return true;
            case IncidentSupervised e:
                message.Supervised = new C.IncidentSupervisedEvent { Count = e.Count };
                return true;
            case ExtensionApproved e:
                message.Extended = new C.DeadlineExtendedEvent
                {
                    DepartmentCode = e.DepartmentCode,
                    PreviousHandleDeadline = Timestamp.FromDateTimeOffset(e.PreviousHandleDeadline),
                    HandleDeadline = Timestamp.FromDateTimeOffset(e.HandleDeadline),
                };
                return true;
            case DeadlineAlarmRaised e:
                var alarm = new C.DeadlineAlarmEvent
                {
                    DepartmentCode = e.DepartmentCode,
                    Kind = e.Kind == DeadlineKind.Sign ? C.DeadlineKind.Sign : C.DeadlineKind.Handle,
                    DueAt = Timestamp.FromDateTimeOffset(e.DueAt),
                };
                if (e.Level == AlarmLevel.Warning)
                {
                    message.Warned = alarm;
                }
                else
                {
                    message.Overdue = alarm;
                }
                return true;
            case ProgressReported or IncidentFlaggedAsDuplicate or DuplicateMerged or ExtensionRequested or ExtensionRefused:
                return false;
            default:
                throw new InvalidDataException($"Incident event {@event.GetType().Name} has no integration mapping; add one before publishing it.");
        }
    }

    /// <summary>On time when there is no deadline (never dispatched: rejected-then-reopened, resolved on the spot) or by it.</summary>
    private static bool ClosedOnTime(Incident after, DateTimeOffset closedAt) =>
        LeadOrLastLead(after) is not { } lead || closedAt <= lead.HandleDeadline;

    private static void SetIfPresent(DateTimeOffset? time, Action<Timestamp> set)
    {
        if (time is { } t)
        {
            set(Timestamp.FromDateTimeOffset(t));
        }
    }
}
