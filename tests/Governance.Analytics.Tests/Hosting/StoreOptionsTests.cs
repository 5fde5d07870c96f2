using Governance.Analytics.Hosting;
using Governance.Analytics.Projection;
using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Governance.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Governance.Analytics.Tests.Hosting;

/// <summary>Analytics:Store: which store the host opens, and what a wrong setting is told.</summary>
public sealed class StoreOptionsTests
{
    public static TheoryData<string?, string?, string?, string> Refused() => new()
    {
        { "Mysql", null, null, "Analytics:Store:Provider must be Sqlite or Postgres; it is \"Mysql\"." },
        { "", null, null, "Analytics:Store:Provider is empty; it must be Sqlite or Postgres." },
        { "Postgres", null, null, "Analytics:Store:ConnectionString is required when Analytics:Store:Provider is Postgres" },
        { "Postgres", "  ", null, "Analytics:Store:ConnectionString is required when Analytics:Store:Provider is Postgres" },
        { "Postgres", "this is not a connection string", null, "Analytics:Store:ConnectionString is not a valid Npgsql connection string" },
        { "Postgres", "Host=db;Colour=blue", null, "Analytics:Store:ConnectionString is not a valid Npgsql connection string" },
        { "Postgres", "Host=db;Port=fifty", null, "Analytics:Store:ConnectionString is not a valid Npgsql connection string" },
        { "Postgres", "Database=analytics;Username=analytics", null, "Analytics:Store:ConnectionString names no Host" },
        { "Sqlite", null, "00:00:00", "Analytics:Store:PollInterval must be between 00:00:00.010 and 00:01:00; it is 00:00:00." },
        { "Postgres", "Host=db", "00:05:00", "Analytics:Store:PollInterval must be between 00:00:00.010 and 00:01:00; it is 00:05:00." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void AWrongStoreSetting_IsRefusedNamingIt(string? provider, string? connectionString, string? pollInterval, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Bind(provider, connectionString, pollInterval).Validate());

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConnectionStringThatDoesNotParse_IsNotRepeated_ForItMayHoldAPassword()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Bind("Postgres", "Host=db;Password=hunter2;Port=fifty", null).Validate());

        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Sqlite", null)]
    [InlineData("sqlite", "whatever; it is not read")]
    [InlineData("Postgres", "Host=analytics-db;Database=analytics;Username=analytics;Password=secret")]
    [InlineData("postgres", "Host=127.0.0.1;Port=5433")]
    public void AGoodStoreSetting_IsTaken(string? provider, string? connectionString)
    {
        var options = Bind(provider, connectionString, null);

        options.Validate();
        Assert.Equal(provider?.Equals("postgres", StringComparison.OrdinalIgnoreCase) == true, options.Store.UsesPostgres);
    }

    [Fact]
    public void AnUnknownProvider_FailsTheStart()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Analytics:Store:Provider"] = "Mongo" });
        builder.AddAnalytics();
        using var host = builder.Build();

        var e = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<IncidentFactsProjection>());
        Assert.Contains("Analytics:Store:Provider must be Sqlite or Postgres", e.ToString(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task TwoHostsWithThePostgresProvider_StartTogetherOnOneDatabase_AndShareIt()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        using var directory = new TempDirectory();
        try
        {
            using var first = PostgresHost(connectionString, directory.Path);
            using var second = PostgresHost(connectionString, directory.Path);

            await Task.WhenAll(first.StartAsync(), second.StartAsync());

            var store = first.Services.GetRequiredService<IAnalyticsStore>();
            Assert.IsType<PostgresAnalyticsStore>(store);
            Assert.StartsWith("PostgreSQL 127.0.0.1:", store.Description, StringComparison.Ordinal);
            Assert.DoesNotContain("analytics.db", Directory.GetFiles(directory.Path).Select(Path.GetFileName));
            var delivered = LifeEvents.Of(ScriptedCounty.Build()).First();
            await first.Services.GetRequiredService<IncidentFactsProjection>().HandleAsync(LifeEvents.Cloud(delivered), CancellationToken.None);
            var other = second.Services.GetRequiredService<IAnalyticsView>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await other.WaitForPositionAfterAsync(0, timeout.Token);
            Assert.Equal(delivered.Incident, Assert.Single(other.Current.Incidents));

            await Task.WhenAll(first.StopAsync(), second.StopAsync());
        }
        finally
        {
            await server.DropDatabaseAsync(connectionString);
        }
    }

    private static IHost PostgresHost(string connectionString, string directory)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:DataDirectory"] = directory,
            ["Analytics:Store:Provider"] = "Postgres",
            ["Analytics:Store:ConnectionString"] = connectionString,
            ["Analytics:Store:PollInterval"] = "00:00:00.050",
        });
        builder.AddAnalytics();
        return builder.Build();
    }

    private static AnalyticsOptions Bind(string? provider, string? connectionString, string? pollInterval)
    {
        var settings = new Dictionary<string, string?>();
        if (provider is not null)
        {
            settings["Analytics:Store:Provider"] = provider;
        }
        if (connectionString is not null)
        {
            settings["Analytics:Store:ConnectionString"] = connectionString;
        }
        if (pollInterval is not null)
        {
            settings["Analytics:Store:PollInterval"] = pollInterval;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return configuration.GetSection(AnalyticsOptions.SectionName).Get<AnalyticsOptions>() ?? new AnalyticsOptions();
    }
}
