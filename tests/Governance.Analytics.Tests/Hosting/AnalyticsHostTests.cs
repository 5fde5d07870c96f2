using Governance.Analytics.Host;
using Microsoft.Extensions.Options;
using Xunit;

namespace Governance.Analytics.Tests.Hosting;

/// <summary>The analytics service as its own deployable: it answers health and its subscription, and refuses embedded pub/sub.</summary>
public sealed class AnalyticsHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "governance-tests", "analytics-host-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task GivenEmbeddedPubSub_WhenTheAnalyticsHostStarts_ThenItRefusesSayingNothingWouldPublishToIt()
    {
        await using var app = AnalyticsHostApp.Create(
            ["--PubSub:Mode=Embedded", "--Ports:Grpc=0", "--Ports:Http=0", $"--Analytics:DataDirectory={_folder}"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("PubSub:Mode must be Dapr", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenDaprMode_WhenTheAnalyticsHostStarts_ThenItIsHealthyAndDeclaresItsSubscriptionWithTheDeadLetterTopic()
    {
        await using var app = AnalyticsHostApp.Create(
            ["--PubSub:Mode=Dapr", "--PubSub:DaprHttpEndpoint=http://127.0.0.1:1", "--Ports:Grpc=0", "--Ports:Http=0", $"--Analytics:DataDirectory={_folder}"]);
        await app.StartAsync();
        try
        {
            var http = new Uri(app.Urls.ElementAt(1));
            using var client = new HttpClient { BaseAddress = http };
            Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/alive", UriKind.Relative)));
            var subscriptions = await client.GetStringAsync(new Uri("/dapr/subscribe", UriKind.Relative));
            Assert.Contains("\"/pubsub/incident-life\"", subscriptions, StringComparison.Ordinal);
            Assert.Contains("governance.incidents.v1.dead-letter", subscriptions, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
