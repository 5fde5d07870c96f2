using Governance.Standalone;
using Microsoft.Extensions.Options;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>A careless administrator's settings stop the host at start with a message naming the setting.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("--Incidents:NearestGridToleranceMeters=-5", "NearestGridToleranceMeters")]
    [InlineData("--Incidents:ServiceAreaMarginMeters=10", "ServiceAreaMarginMeters")]
    [InlineData("--Incidents:DataDirectory= ", "DataDirectory")]
    [InlineData("--Incidents:Deadlines:MaxSleep=00:00:00", "Incidents:Deadlines:MaxSleep")]
    [InlineData("--Incidents:Deadlines:BatchSize=0", "Incidents:Deadlines:BatchSize")]
    public async Task GivenABadSetting_WhenTheHostStarts_ThenItRefusesNamingTheSetting(string setting, string named)
    {
        var app = StandaloneApp.Create([setting, "--Ports:Grpc=0", "--Ports:Http=0", "--Incidents:SeedDemoCounty=false"]);
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
