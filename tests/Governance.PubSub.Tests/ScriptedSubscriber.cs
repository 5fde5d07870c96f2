using System.Collections.Concurrent;

namespace Governance.PubSub.Tests;

/// <summary>
/// A subscriber whose answers a test writes: by default SUCCESS; <see cref="Script"/> decides per delivery from the
/// event and how many times this subscriber has seen it. Every delivery is recorded with its answer.
/// </summary>
public class ScriptedSubscriber : ICloudEventHandler
{
    private readonly ConcurrentQueue<(CloudEvent Event, int Attempt, DeliveryOutcome Outcome)> _deliveries = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <summary>The answer to one delivery: the event and its attempt number (1 for the first).</summary>
    public Func<CloudEvent, int, DeliveryOutcome> Script { get; set; } = (_, _) => DeliveryOutcome.Success;

    public IReadOnlyList<(CloudEvent Event, int Attempt, DeliveryOutcome Outcome)> Deliveries => [.. _deliveries];

    /// <summary>Ids answered SUCCESS, in the order they were.</summary>
    public IReadOnlyList<string> Succeeded => [.. _deliveries.Where(d => d.Outcome == DeliveryOutcome.Success).Select(d => d.Event.Id)];

    public int AttemptsOf(string id) => _attempts.TryGetValue(id, out var n) ? n : 0;

    public virtual Task<DeliveryOutcome> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(cloudEvent.Id, 1, (_, n) => n + 1);
        var outcome = Script(cloudEvent, attempt);
        _deliveries.Enqueue((cloudEvent, attempt, outcome));
        return Task.FromResult(outcome);
    }
}

/// <summary>A second subscriber type, for the dead-letter topic.</summary>
public sealed class DeadLetterSubscriber : ScriptedSubscriber;
