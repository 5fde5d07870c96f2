using System.Text.Json;

namespace Governance.Domain.Tests;

/// <summary>
/// Given (events) / When (command) / Then (events or error) for one decider. Events are compared as JSON with their
/// wire names, which checks equality of lists and byte arrays and, on the way, that every event serialises.
/// </summary>
internal sealed class DeciderSpec<TState, TCommand, TEvent>(
    Func<TState?, TCommand, IReadOnlyList<TEvent>> decide,
    Func<TState?, TEvent, TState?> apply)
    where TState : class
    where TEvent : IDomainEvent
{
    private TEvent[] _given = [];
    private TCommand? _command;

    public DeciderSpec<TState, TCommand, TEvent> Given(params TEvent[] events)
    {
        _given = events;
        return this;
    }

    public DeciderSpec<TState, TCommand, TEvent> When(TCommand command)
    {
        _command = command;
        return this;
    }

    public TState? State => _given.Aggregate((TState?)null, apply);

    public IReadOnlyList<TEvent> Then(params TEvent[] expected)
    {
        var actual = decide(State, _command!);
        Assert.Equal(Json.Describe(expected.Cast<IDomainEvent>()), Json.Describe(actual.Cast<IDomainEvent>()));
        return actual;
    }

    public void ThenNothing() => Then();

    public DomainException ThenFails(DomainErrorKind kind, string? messageContains = null)
    {
        var error = Assert.Throws<DomainException>(() => decide(State, _command!));
        Assert.Equal(kind, error.Kind);
        if (messageContains is not null)
            Assert.Contains(messageContains, error.Message, StringComparison.Ordinal);
        return error;
    }
}

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Serialize(IDomainEvent @event) => JsonSerializer.Serialize(@event, @event.GetType(), Options);

    public static IDomainEvent Deserialize(string eventType, string json) =>
        (IDomainEvent)JsonSerializer.Deserialize(json, DomainEventTypes.TypeOf(eventType), Options)!;

    public static string[] Describe(IEnumerable<IDomainEvent> events) =>
        [.. events.Select(e => $"{DomainEventTypes.NameOf(e)} {Serialize(e)}")];
}
