using Governance.Standalone;
using Microsoft.Extensions.Options;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>A careless administrator's settings stop the host at start with a message naming the setting.</summary>
public sealed class ConfigurationTests
{
    /// <param name="settings">One or more settings, separated by '|'.</param>
    /// <param name="named">What the refusal must name.</param>
    [Theory]
    [InlineData("--Incidents:NearestGridToleranceMeters=-5", "NearestGridToleranceMeters")]
    [InlineData("--Incidents:ServiceAreaMarginMeters=10", "ServiceAreaMarginMeters")]
    [InlineData("--Incidents:DataDirectory= ", "DataDirectory")]
    [InlineData("--Incidents:Deadlines:MaxSleep=00:00:00", "Incidents:Deadlines:MaxSleep")]
    [InlineData("--Incidents:Deadlines:BatchSize=0", "Incidents:Deadlines:BatchSize")]
    [InlineData("--Incidents:Store:Provider=Oracle", "Incidents:Store:Provider must be Sqlite or Postgres")]
    [InlineData("--Incidents:Store:Provider=Postgres", "Incidents:Store:ConnectionString must be set")]
    [InlineData("--Incidents:Store:Provider=Postgres|--Incidents:Store:ConnectionString=Hots=db", "Incidents:Store:ConnectionString is not a valid")]
    [InlineData("--Incidents:Store:Provider=Postgres|--Incidents:Store:ConnectionString=Database=governance", "names no Host")]
    [InlineData("--Incidents:Store:Provider=Postgres|--Incidents:Store:ConnectionString=Host=127.0.0.1", "names no Database")]
    [InlineData("--PubSub:Mode=Kafka", "PubSub:Mode")]
    [InlineData("--PubSub:Topic=a topic", "PubSub:Topic")]
    [InlineData("--PubSub:Relay:BatchSize=0", "PubSub:Relay:BatchSize")]
    [InlineData("--PubSub:Relay:MaxRetryDelay=00:00:00", "PubSub:Relay:MaxRetryDelay")]
    [InlineData("--PubSub:Mode=Dapr|--PubSub:DaprHttpEndpoint=localhost", "PubSub:DaprHttpEndpoint")]
    [InlineData("--PubSub:Mode=Dapr|--DAPR_HTTP_PORT=dapr", "DAPR_HTTP_PORT")]
    public async Task GivenABadSetting_WhenTheHostStarts_ThenItRefusesNamingTheSetting(string settings, string named)
    {
        var app = StandaloneApp.Create([.. settings.Split('|'), "--Ports:Grpc=0", "--Ports:Http=0", "--Incidents:SeedDemoCounty=false"]);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
            Assert.Contains(named, error is OptionsValidationException v ? string.Join(" ", v.Failures) : error.ToString());
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
