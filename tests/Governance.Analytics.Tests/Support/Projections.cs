using Governance.Analytics.Hosting;
using Governance.Analytics.Projection;
using Governance.Analytics.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Governance.Analytics.Tests.Support;

internal static class Projections
{
    /// <summary>A projection over the real SQLite store of <paramref name="directory"/>, not yet started.</summary>
    public static IncidentFactsProjection Create(string directory, int maxEventsPerCommit = 10_000) =>
        Create(new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(directory)), maxEventsPerCommit);

    public static IncidentFactsProjection Create(IAnalyticsStore store, int maxEventsPerCommit = 10_000, TimeSpan? pollInterval = null) =>
        new(store, Options.Create(new AnalyticsOptions
        {
            MaxEventsPerCommit = maxEventsPerCommit,
            Store = new AnalyticsStoreOptions { PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(250) },
        }), TimeProvider.System, NullLogger<IncidentFactsProjection>.Instance);

    /// <summary>A started projection over <paramref name="store"/>; other replicas' commits are read every 50 ms.</summary>
    public static async Task<IncidentFactsProjection> StartAsync(IAnalyticsStore store)
    {
        var projection = Create(store, pollInterval: TimeSpan.FromMilliseconds(50));
        await projection.StartAsync(CancellationToken.None);
        return projection;
    }

    public static async Task<IncidentFactsProjection> StartAsync(string directory)
    {
        var projection = Create(directory);
        await projection.StartAsync(CancellationToken.None);
        return projection;
    }
}
