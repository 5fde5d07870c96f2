using Governance.Analytics.Hosting;
using Governance.Analytics.Projection;
using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Governance.PubSub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Analytics.Tests.Hosting;

public sealed class AddAnalyticsTests
{
    [Fact]
    public async Task AHostWithAnalytics_HoldsItsStoreWhileRunning_AndServesTheProjectionAsViewAndIncidentLifeSubscriber()
    {
        using var directory = new TempDirectory();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Analytics:DataDirectory"] = directory.Path });
        builder.AddAnalytics();
        using var host = builder.Build();

        await host.StartAsync();
        var projection = host.Services.GetRequiredService<IncidentFactsProjection>();
        Assert.Same(projection, host.Services.GetRequiredService<IAnalyticsView>());
        var subscription = Assert.Single(host.Services.GetRequiredService<CloudEventSubscriptions>().For(IntegrationTopics.IncidentLife));
        Assert.Same(projection, subscription.Handler);
        Assert.Equal((AnalyticsExtensions.IncidentLifeRoute, IntegrationTopics.IncidentLifeDeadLetter), (subscription.Route, subscription.DeadLetterTopic));
        Assert.True(projection.Started.IsCompletedSuccessfully);
        Assert.True(File.Exists(Path.Combine(directory.Path, "analytics.db")));
        await using (var intruder = new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(directory.Path)))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => intruder.OpenAsync(CancellationToken.None));
        }

        await host.StopAsync();
        await using var after = new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(directory.Path));
        await after.OpenAsync(CancellationToken.None);
    }

    [Fact]
    public void AnEmptyDataDirectory_FailsTheStart()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Analytics:DataDirectory"] = " " });
        builder.AddAnalytics();
        using var host = builder.Build();

        var e = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<IncidentFactsProjection>());
        Assert.Contains("Analytics:DataDirectory", e.ToString(), StringComparison.Ordinal);
    }
}
