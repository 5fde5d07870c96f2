namespace Governance.PubSub;

/// <summary>
/// A CloudEvent 1.0 in structured mode. <see cref="Data"/> holds the payload bytes: JSON when
/// <see cref="DataContentType"/> is a JSON type (written as the <c>data</c> member), anything else binary (written as
/// <c>data_base64</c>). <see cref="TraceParent"/> and <see cref="TraceState"/> are the W3C distributed-tracing
/// extension attributes, so the trace of the command that caused the event travels with it.
/// </summary>
public sealed record CloudEvent
{
    public const string SpecVersion = "1.0";

    /// <summary>Unique per <see cref="Source"/>; a consumer deduplicates on it.</summary>
    public required string Id { get; init; }

    /// <summary>A URI-reference naming the producer, e.g. <c>/governance/incidents</c>.</summary>
    public required string Source { get; init; }

    /// <summary>What happened, e.g. <c>governance.incident.dispatched.v1</c>. Never a CLR type name.</summary>
    public required string Type { get; init; }

    public DateTimeOffset? Time { get; init; }

    /// <summary>The entity the event is about (the incident id).</summary>
    public string? Subject { get; init; }

    public string? DataContentType { get; init; }

    public ReadOnlyMemory<byte> Data { get; init; }

    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    /// <summary>The topic the event arrived on, when a broker delivered it; not part of the event.</summary>
    public string? Topic { get; init; }
}
