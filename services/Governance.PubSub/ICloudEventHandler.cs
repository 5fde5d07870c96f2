namespace Governance.PubSub;

/// <summary>
/// What a subscriber says about one delivery, by the rules of Dapr's subscriber contract: <see cref="Success"/>
/// (processed; an already-processed duplicate is a success too), <see cref="Retry"/> (could not be processed now;
/// deliver it again later) or <see cref="Drop"/> (can never be processed; send it to the dead-letter topic).
/// </summary>
public enum DeliveryOutcome
{
    Success = 1,
    Retry = 2,
    Drop = 3,
}

/// <summary>
/// A subscriber's code. The Dapr route and the embedded broker call the same handler, so a delivery behaves the same
/// in both modes. It returns only once the outcome is certain: <see cref="DeliveryOutcome.Success"/> after what the
/// event changed is durable.
/// </summary>
public interface ICloudEventHandler
{
    Task<DeliveryOutcome> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken);
}

/// <summary>
/// Publishes to a topic. The task completes once the broker accepted every event (Dapr answered 204, or the embedded
/// subscribers settled each one); it throws otherwise, and the caller publishes again (at-least-once).
/// </summary>
public interface IEventPublisher
{
    Task PublishAsync(string topic, IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken);
}
