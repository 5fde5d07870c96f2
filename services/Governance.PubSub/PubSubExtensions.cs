using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.PubSub;

public static class PubSubExtensions
{
    /// <summary>
    /// Pub/sub from the "PubSub" section: the <see cref="IEventPublisher"/> of the configured mode (the embedded broker,
    /// or the Dapr sidecar's HTTP API), the subscriptions registry, and settings checked at start. Called by every
    /// feature that publishes or subscribes; the second call changes nothing. Map the sidecar's routes with
    /// <see cref="DaprSubscriptionEndpoints.MapDaprSubscriptions"/>.
    /// </summary>
    public static TBuilder AddGovernancePubSub<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(PubSubRegistered)))
        {
            return builder;
        }
        services.AddSingleton<PubSubRegistered>();
        var configuration = builder.Configuration;
        services.AddOptions<PubSubOptions>()
            .Bind(configuration.GetSection(PubSubOptions.SectionName))
            .PostConfigure(o => o.ApplyEnvironment(configuration))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        CloudEventSubscriptions.Register(services);
        services.TryAddSingleton<EmbeddedBroker>();
        services.TryAddSingleton<DaprPublisher>();
        services.TryAddSingleton<IEventPublisher>(sp => sp.GetRequiredService<IOptions<PubSubOptions>>().Value.ResolvedMode == PubSubMode.Dapr
            ? sp.GetRequiredService<DaprPublisher>()
            : sp.GetRequiredService<EmbeddedBroker>());
        services.AddHostedService<PubSubAnnouncement>();
        services.AddHealthChecks().AddCheck<EmbeddedBrokerHealthCheck>("pubsub");
        return builder;
    }

    private sealed class PubSubRegistered;

    /// <summary>Says once, at start, where events go: the first thing to check when a dashboard stays empty.</summary>
    private sealed class PubSubAnnouncement(IOptions<PubSubOptions> options, CloudEventSubscriptions subscriptions, ILogger<PubSubAnnouncement> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            var routes = string.Join(", ", subscriptions.All.Select(s => $"{s.Topic} → {s.Route}"));
            if (o.ResolvedMode == PubSubMode.Dapr)
            {
                logger.LogInformation("Pub/sub through the Dapr sidecar at {Endpoint}, component {Name}; subscriptions: {Routes}",
                    o.DaprEndpoint, o.Name, routes.Length == 0 ? "none" : routes);
                if (o.AppApiToken is null && subscriptions.All.Count > 0)
                {
                    logger.LogWarning("APP_API_TOKEN is not set: the subscription routes take CloudEvents from anyone who can reach the HTTP port, not only from the sidecar");
                }
            }
            else
            {
                logger.LogInformation("Pub/sub embedded in this process; subscriptions: {Routes}", routes.Length == 0 ? "none" : routes);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
