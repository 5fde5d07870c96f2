using Governance.Analytics.Projection;
using Governance.Analytics.Storage;
using Governance.PubSub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Governance.Analytics.Hosting;

public static class AnalyticsExtensions
{
    /// <summary>The route the Dapr sidecar delivers incident-life events to (in Dapr mode).</summary>
    public const string IncidentLifeRoute = "/pubsub/incident-life";

    /// <summary>
    /// The analytics projection: its store (Analytics:Store:Provider: SQLite in Analytics:DataDirectory, held
    /// exclusively while the host runs, or PostgreSQL at Analytics:Store:ConnectionString, shared by the replicas),
    /// loaded on start, subscribed to the incident life, and read through <see cref="IAnalyticsView"/>.
    /// </summary>
    public static TBuilder AddAnalytics<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AnalyticsOptions>()
            .Bind(builder.Configuration.GetSection(AnalyticsOptions.SectionName))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAnalyticsStore>(sp =>
        {
            // Relative to the working directory, like the incident service's data folder.
            var options = sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
            return options.Store.UsesPostgres
                ? new PostgresAnalyticsStore(options.Store.ConnectionString!)
                : new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(Path.GetFullPath(options.DataDirectory)));
        });
        services.AddSingleton<IncidentFactsProjection>();
        services.AddSingleton<IAnalyticsView>(sp => sp.GetRequiredService<IncidentFactsProjection>());
        services.AddHostedService(sp => sp.GetRequiredService<IncidentFactsProjection>());

        // The projection subscribes to the incident life (PubSub:Topic, dead-letter PubSub:DeadLetterTopic): in process,
        // or on this route through the sidecar in Dapr mode.
        builder.AddGovernancePubSub();
        services.AddCloudEventSubscription<IncidentFactsProjection>(IncidentLifeRoute);
        return builder;
    }
}
