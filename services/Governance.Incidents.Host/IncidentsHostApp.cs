using Governance.Incidents.Hosting;
using Governance.PubSub;
using Governance.ServiceDefaults;

namespace Governance.Incidents.Host;

/// <summary>The incident service as its own deployable (Dapr app id "incidents"); tests build exactly this host.</summary>
public static class IncidentsHostApp
{
    public const string AppId = "incidents";

    public static WebApplication Create(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configureServices?.Invoke(builder.Services);
        builder.AddServiceDefaults(AppId);
        builder.AddGovernancePubSub();
        builder.AddIncidents();
        builder.ListenOnGovernancePorts();

        var app = builder.Build();
        app.UseAuthentication();
        app.MapDefaultEndpoints();
        app.MapIncidents();
        // The sidecar asks every app for its subscriptions; this one has none and answers an empty list.
        app.MapDaprSubscriptions();
        app.AnnounceAddresses(AppId);
        return app;
    }
}
