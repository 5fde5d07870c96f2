using Governance.Contracts.V1;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Governance.PubSub.Tests;

/// <summary>Where the sidecar is and which tokens apply, from the section or from the variables the injector sets.</summary>
public sealed class PubSubOptionsTests
{
    private static PubSubOptions Resolve(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.DistinctBy(s => s.Key).Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new PubSubOptions();
        configuration.GetSection(PubSubOptions.SectionName).Bind(options);
        options.ApplyEnvironment(configuration);
        return options;
    }

    [Fact]
    public void GivenNothingConfigured_WhenResolved_ThenEmbeddedWithTheContractTopicsAndDaprsDefaultPort()
    {
        var options = Resolve();
        options.Validate();

        Assert.Equal(PubSubMode.Embedded, options.ResolvedMode);
        Assert.Equal("pubsub", options.Name);
        Assert.Equal(IntegrationTopics.IncidentLife, options.Topic);
        Assert.Equal(IntegrationTopics.IncidentLifeDeadLetter, options.DeadLetterTopic);
        Assert.Equal(new Uri("http://127.0.0.1:3500/"), options.DaprEndpoint);
        Assert.Null(options.DaprApiToken);
        Assert.Null(options.AppApiToken);
    }

    [Fact]
    public void GivenTheInjectorsVariables_WhenResolved_ThenTheyAreUsed()
    {
        var options = Resolve(("PubSub:Mode", "dapr"), ("DAPR_HTTP_PORT", "3601"), ("DAPR_API_TOKEN", "to-sidecar"), ("APP_API_TOKEN", "to-app"));
        options.Validate();

        Assert.Equal(PubSubMode.Dapr, options.ResolvedMode);
        Assert.Equal(new Uri("http://127.0.0.1:3601/"), options.DaprEndpoint);
        Assert.Equal("to-sidecar", options.DaprApiToken);
        Assert.Equal("to-app", options.AppApiToken);
    }

    [Fact]
    public void GivenAnEndpointVariableAndAPort_WhenResolved_ThenTheEndpointWins_AndTheSectionWinsOverBoth()
    {
        Assert.Equal(new Uri("http://dapr.local:3500/base/"),
            Resolve(("DAPR_HTTP_ENDPOINT", "http://dapr.local:3500/base"), ("DAPR_HTTP_PORT", "3601")).DaprEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:4000/"),
            Resolve(("PubSub:DaprHttpEndpoint", "http://127.0.0.1:4000"), ("DAPR_HTTP_ENDPOINT", "http://dapr.local:3500")).DaprEndpoint);
        Assert.Equal("from-section", Resolve(("PubSub:DaprApiToken", "from-section"), ("DAPR_API_TOKEN", "from-env")).DaprApiToken);
    }

    [Fact]
    public void GivenEmptyTokens_WhenResolved_ThenTheyCountAsUnset()
    {
        var options = Resolve(("DAPR_API_TOKEN", ""), ("APP_API_TOKEN", ""));

        Assert.Null(options.DaprApiToken);
        Assert.Null(options.AppApiToken);
    }

    [Theory]
    [InlineData("PubSub:Mode", "Kafka", "PubSub:Mode")]
    [InlineData("PubSub:Mode", "2", "PubSub:Mode")]
    [InlineData("PubSub:Name", "pub/sub", "PubSub:Name")]
    [InlineData("PubSub:Topic", " ", "PubSub:Topic")]
    [InlineData("PubSub:DeadLetterTopic", "governance.incidents.v1", "PubSub:DeadLetterTopic")]
    [InlineData("PubSub:DaprHttpEndpoint", "127.0.0.1:3500", "PubSub:DaprHttpEndpoint")]
    [InlineData("PubSub:DaprHttpEndpoint", "ftp://127.0.0.1:3500", "PubSub:DaprHttpEndpoint")]
    [InlineData("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:3500?x=1", "DAPR_HTTP_ENDPOINT")]
    [InlineData("DAPR_HTTP_PORT", "port", "DAPR_HTTP_PORT")]
    [InlineData("DAPR_HTTP_PORT", "70000", "DAPR_HTTP_PORT")]
    [InlineData("DAPR_HTTP_PORT", "0", "DAPR_HTTP_PORT")]
    [InlineData("PubSub:AppApiToken", "  ", "PubSub:AppApiToken")]
    [InlineData("PubSub:DaprApiToken", "  ", "PubSub:DaprApiToken")]
    public void GivenABadValueInDaprMode_WhenValidated_ThenTheMessageNamesIt(string key, string value, string named)
    {
        var options = Resolve((key, value), ("PubSub:Mode", "Dapr"));

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void GivenAGarbledSidecarPortInEmbeddedMode_WhenValidated_ThenItDoesNotMatter()
    {
        Resolve(("DAPR_HTTP_PORT", "port")).Validate();
    }
}
