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

    public static IncidentFactsProjection Create(IAnalyticsStore store, int maxEventsPerCommit = 10_000) =>
        new(store, Options.Create(new AnalyticsOptions { MaxEventsPerCommit = maxEventsPerCommit }), TimeProvider.System,
            NullLogger<IncidentFactsProjection>.Instance);

    public static async Task<IncidentFactsProjection> StartAsync(string directory)
    {
        var projection = Create(directory);
        await projection.StartAsync(CancellationToken.None);
        return projection;
    }
}
