using Governance.Analytics.Api;
using Governance.Analytics.Hosting;
using Governance.Grpc;
using Governance.PubSub;
using Governance.Security;
using Governance.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Governance.Analytics.Host;

/// <summary>
/// The analytics service as its own deployable (Dapr app id "analytics"): the incident life comes through the
/// sidecar, so it runs in Dapr mode only; alone in embedded mode nothing would ever publish to it.
/// </summary>
public static class AnalyticsHostApp
{
    public const string AppId = "analytics";

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
        builder.Services.AddOptions<PubSubOptions>().Validate(
            o => PubSubOptions.ParseMode(o.Mode) != PubSubMode.Embedded,
            $"{PubSubOptions.SectionName}:Mode must be Dapr for the analytics service on its own: in embedded mode no incident service publishes to this process. Run the standalone host for everything in one process.");
        builder.AddAnalytics();
        builder.Services.AddAnalyticsApi();
        builder.Services.AddGovernanceAuthentication(builder.Configuration,
            sp => sp.GetRequiredService<IOptions<AnalyticsOptions>>().Value.DataDirectory);
        builder.Services.AddGrpcServer();
        builder.ListenOnGovernancePorts();

        var app = builder.Build();
        app.UseAuthentication();
        app.MapDefaultEndpoints();
        app.MapAnalyticsApi();
        app.MapGrpcHealthService();
        app.MapDaprSubscriptions();
        app.AnnounceAddresses(AppId);
        return app;
    }
}
