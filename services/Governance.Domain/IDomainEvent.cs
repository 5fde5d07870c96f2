namespace Governance.Domain;

/// <summary>
/// Marker for every event-sourcing event. Each implementation is a public positional record of plain values and
/// declares a stable wire name as <c>public const string EventType</c>; <see cref="DomainEventTypes"/> maps the
/// names both ways so storage never depends on CLR type names.
/// </summary>
public interface IDomainEvent;
