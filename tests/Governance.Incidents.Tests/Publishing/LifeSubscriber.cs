using System.Collections.Concurrent;
using Governance.Contracts.V1;
using Governance.PubSub;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>
/// A test's subscriber on the incident-life topic: it records every delivery and answers as <see cref="Script"/>
/// says (SUCCESS unless told otherwise). One instance serves every host a test starts, so deliveries before and after
/// a restart land in one record.
/// </summary>
public class LifeSubscriber : ICloudEventHandler
{
    public const string Route = "/test/incident-life";

    private readonly ConcurrentQueue<(CloudEvent Event, int Attempt, DeliveryOutcome Outcome)> _deliveries = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <summary>The answer to a delivery, from the event and its attempt number here (1 for the first).</summary>
    public Func<CloudEvent, int, DeliveryOutcome> Script { get; set; } = (_, _) => DeliveryOutcome.Success;

    public IReadOnlyList<(CloudEvent Event, int Attempt, DeliveryOutcome Outcome)> Deliveries => [.. _deliveries];

    /// <summary>The events of one incident answered SUCCESS, in the order they were taken (a redelivery appears again).</summary>
    public IReadOnlyList<CloudEvent> Taken(string incidentId) =>
        [.. _deliveries.Where(d => d.Outcome == DeliveryOutcome.Success && d.Event.Subject == incidentId).Select(d => d.Event)];

    public int AttemptsOf(string eventId) => _attempts.TryGetValue(eventId, out var n) ? n : 0;

    public Task<DeliveryOutcome> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        // Parsed here, as a real consumer would, so a delivery whose data is not an incident-life event fails the test.
        var message = IncidentLifeEvent.Parser.ParseFrom(cloudEvent.Data.Span);
        if (message.EventId != cloudEvent.Id)
        {
            throw new InvalidDataException($"CloudEvent {cloudEvent.Id} carries incident-life event {message.EventId}.");
        }
        var attempt = _attempts.AddOrUpdate(cloudEvent.Id, 1, (_, n) => n + 1);
        var outcome = Script(cloudEvent, attempt);
        _deliveries.Enqueue((cloudEvent, attempt, outcome));
        return Task.FromResult(outcome);
    }
}

/// <summary>The test's subscriber on the dead-letter topic.</summary>
public sealed class LifeDeadLetters : LifeSubscriber
{
    public new const string Route = "/test/incident-life-dead-letter";
}

/// <summary>Whether the test's broker refuses publishes; one switch serves every host a test starts.</summary>
public sealed class BrokerSwitch
{
    private int _refused;
    private volatile bool _refusing;

    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>Publishes refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    internal void CountRefusal() => Interlocked.Increment(ref _refused);
}

/// <summary>
/// The embedded broker behind a <see cref="BrokerSwitch"/>: while it is on, every publish fails as a broker that is
/// down fails, so the relay's retry and checkpoint are tested in embedded mode as a sidecar's 500 tests them in Dapr mode.
/// </summary>
public sealed class SwitchablePublisher(IEventPublisher inner, BrokerSwitch broker) : IEventPublisher
{
    public Task PublishAsync(string topic, IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken)
    {
        if (broker.Refusing)
        {
            broker.CountRefusal();
            throw new IOException($"The broker is down (test): {events.Count} events on {topic} refused.");
        }
        return inner.PublishAsync(topic, events, cancellationToken);
    }
}
