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
        configureServices?.Invoke(builder.Services);
        builder.AddServiceDefaults();
        builder.AddGovernancePubSub();
        builder.AddIncidents();
        builder.ListenOnGovernancePorts();

        var app = builder.Build();
        // Judges bearer tokens for the gRPC handlers; it never challenges (see AddGovernanceAuthentication).
        app.UseAuthentication();
        app.MapDefaultEndpoints();
        app.MapIncidents();
        // The sidecar's subscription list and delivery routes, in Dapr mode only (PubSub:Mode); it calls the HTTP port.
        app.MapDaprSubscriptions();
        app.AnnounceAddresses();
        return app;
    }
}
