namespace Governance.Contracts.V1;

/// <summary>
/// Pub/sub topic names of the integration events in proto/ (incident_events.proto). The Dapr components and
/// subscriptions in deploy/ name the same topics; configuration may override them, these are the defaults.
/// </summary>
public static class IntegrationTopics
{
    /// <summary>Every incident's life, as <see cref="IncidentLifeEvent"/> messages.</summary>
    public const string IncidentLife = "governance.incidents.v1";

    /// <summary>Where subscribers' undeliverable incident-life events go.</summary>
    public const string IncidentLifeDeadLetter = "governance.incidents.v1.dead-letter";

    /// <summary>The CloudEvent source of events published by the incident service.</summary>
    public const string IncidentsSource = "/governance/incidents";

    /// <summary>The CloudEvent content type of an <see cref="IncidentLifeEvent"/> serialized as protobuf.</summary>
    public const string ProtobufContentType = "application/protobuf";

    /// <summary>
    /// The CloudEvent type of an incident-life event: <c>governance.incident.{change}.v1</c>, named for the change,
    /// e.g. <c>governance.incident.dispatched.v1</c>.
    /// </summary>
    public static string CloudEventTypeOf(IncidentLifeEvent.ChangeOneofCase change) => change switch
    {
        IncidentLifeEvent.ChangeOneofCase.None => throw new ArgumentException("An incident-life event names its change.", nameof(change)),
        _ => $"governance.incident.{ChangeName(change)}.v1",
    };

    private static string ChangeName(IncidentLifeEvent.ChangeOneofCase change) => change switch
    {
        IncidentLifeEvent.ChangeOneofCase.Reported => "reported",
        IncidentLifeEvent.ChangeOneofCase.Registered => "registered",
        IncidentLifeEvent.ChangeOneofCase.Rejected => "rejected",
        IncidentLifeEvent.ChangeOneofCase.Merged => "merged",
        IncidentLifeEvent.ChangeOneofCase.Dispatched => "dispatched",
        IncidentLifeEvent.ChangeOneofCase.Signed => "signed",
        IncidentLifeEvent.ChangeOneofCase.Returned => "returned",
        IncidentLifeEvent.ChangeOneofCase.Handled => "handled",
        IncidentLifeEvent.ChangeOneofCase.Verified => "verified",
        IncidentLifeEvent.ChangeOneofCase.Closed => "closed",
        IncidentLifeEvent.ChangeOneofCase.Reopened => "reopened",
        IncidentLifeEvent.ChangeOneofCase.Escalated => "escalated",
        IncidentLifeEvent.ChangeOneofCase.Supervised => "supervised",
        IncidentLifeEvent.ChangeOneofCase.Extended => "extended",
        IncidentLifeEvent.ChangeOneofCase.Warned => "warned",
        IncidentLifeEvent.ChangeOneofCase.Overdue => "overdue",
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "An incident-life change without a CloudEvent type."),
    };
}
