using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Governance.PubSub;

/// <summary>
/// One subscriber's subscription as both modes use it: Dapr reads it from GET /dapr/subscribe and posts to
/// <see cref="Route"/>; the embedded broker calls <see cref="Handler"/> directly.
/// </summary>
public sealed record CloudEventSubscription(string PubSubName, string Topic, string Route, string? DeadLetterTopic, ICloudEventHandler Handler);

/// <summary>What <see cref="CloudEventSubscriptionExtensions.AddCloudEventSubscription{THandler}"/> recorded, resolved once options are known.</summary>
internal sealed record CloudEventSubscriptionRegistration(
    string Route,
    Func<PubSubOptions, string> Topic,
    Func<PubSubOptions, string?> DeadLetterTopic,
    Type HandlerType);

/// <summary>Every subscription of this host, resolved against <see cref="PubSubOptions"/> on first use.</summary>
public sealed class CloudEventSubscriptions
{
    private readonly Lazy<IReadOnlyList<CloudEventSubscription>> _all;

    internal CloudEventSubscriptions(IEnumerable<CloudEventSubscriptionRegistration> registrations, IOptions<PubSubOptions> options, IServiceProvider services)
    {
        var list = registrations.ToList();
        _all = new Lazy<IReadOnlyList<CloudEventSubscription>>(() => Resolve(list, options.Value, services));
    }

    public IReadOnlyList<CloudEventSubscription> All => _all.Value;

    internal static void Register(IServiceCollection services) =>
        services.TryAddSingleton(sp => new CloudEventSubscriptions(
            sp.GetServices<CloudEventSubscriptionRegistration>(), sp.GetRequiredService<IOptions<PubSubOptions>>(), sp));

    /// <summary>The subscriptions of one topic.</summary>
    public IReadOnlyList<CloudEventSubscription> For(string topic) => [.. All.Where(s => s.Topic == topic)];

    private static List<CloudEventSubscription> Resolve(List<CloudEventSubscriptionRegistration> registrations, PubSubOptions options, IServiceProvider services)
    {
        var resolved = new List<CloudEventSubscription>(registrations.Count);
        foreach (var registration in registrations)
        {
            var topic = registration.Topic(options);
            if (string.IsNullOrWhiteSpace(topic))
            {
                throw new InvalidOperationException($"The subscription on route {registration.Route} names no topic.");
            }
            var deadLetter = registration.DeadLetterTopic(options);
            if (deadLetter == topic)
            {
                throw new InvalidOperationException($"The subscription on route {registration.Route} names its own topic {topic} as its dead-letter topic.");
            }
            if (resolved.Exists(s => s.Route == registration.Route))
            {
                throw new InvalidOperationException($"Two subscriptions share the route {registration.Route}; each needs its own.");
            }
            var handler = (ICloudEventHandler)services.GetRequiredService(registration.HandlerType);
            resolved.Add(new CloudEventSubscription(options.Name, topic, registration.Route, string.IsNullOrEmpty(deadLetter) ? null : deadLetter, handler));
        }
        return resolved;
    }
}

public static class CloudEventSubscriptionExtensions
{
    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> (a singleton) to a topic of the configured pub/sub component:
    /// <paramref name="topic"/> defaults to PubSub:Topic and <paramref name="deadLetterTopic"/> to PubSub:DeadLetterTopic
    /// (return null for none, as a dead-letter subscriber does). <paramref name="route"/> is the path the Dapr sidecar
    /// posts deliveries to; the embedded broker calls the same handler without it.
    /// </summary>
    public static IServiceCollection AddCloudEventSubscription<THandler>(
        this IServiceCollection services,
        string route,
        Func<PubSubOptions, string>? topic = null,
        Func<PubSubOptions, string?>? deadLetterTopic = null)
        where THandler : class, ICloudEventHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        if (string.IsNullOrWhiteSpace(route) || route[0] != '/' || route.IndexOfAny(['?', '#', ' ']) >= 0)
        {
            throw new ArgumentException($"A subscription route is an absolute path such as /pubsub/incidents; '{route}' is not.", nameof(route));
        }
        services.TryAddSingleton<THandler>();
        CloudEventSubscriptions.Register(services);
        services.AddSingleton(new CloudEventSubscriptionRegistration(route, topic ?? (o => o.Topic), deadLetterTopic ?? (o => o.DeadLetterTopic), typeof(THandler)));
        return services;
    }
}
