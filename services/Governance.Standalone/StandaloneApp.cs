using Governance.Analytics.Api;
using Governance.Analytics.Hosting;
using Governance.Incidents.Hosting;
using Governance.PubSub;
using Governance.ServiceDefaults;

namespace Governance.Standalone;

/// <summary>The whole system in one process; tests build exactly this host.</summary>
public static class StandaloneApp
{
    // configureServices runs before the features register theirs: a test brings its clock that way.
    public static WebApplication Create(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the binary; tests and `dotnet run` share one content root.
            ContentRootPath = AppContext.BaseDirectory,
        });
        ShareDataDirectory(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        builder.AddServiceDefaults("standalone");
        builder.AddGovernancePubSub();
        builder.AddIncidents();
        builder.AddAnalytics();
        builder.Services.AddAnalyticsApi();
        builder.ListenOnGovernancePorts();

        var app = builder.Build();
        // Judges bearer tokens for the gRPC handlers; it never challenges (see AddGovernanceAuthentication).
        app.UseAuthentication();
        app.MapDefaultEndpoints();
        app.MapIncidents();
        app.MapAnalyticsApi();
        // The sidecar's subscription list and delivery routes, in Dapr mode only (PubSub:Mode); it calls the HTTP port.
        app.MapDaprSubscriptions();
        app.AnnounceAddresses("standalone");
        return app;
    }

    /// <summary>One data folder for the whole process: the analytics store sits beside the incident log unless told otherwise.</summary>
    internal static void ShareDataDirectory(IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["Analytics:DataDirectory"]))
        {
            configuration["Analytics:DataDirectory"] = configuration["Incidents:DataDirectory"] ?? "data";
        }
    }
}
