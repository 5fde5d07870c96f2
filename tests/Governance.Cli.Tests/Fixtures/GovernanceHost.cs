using System.Net;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Security;
using Governance.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Cli.Tests.Fixtures;

/// <summary>
/// A Governance host wired as services/Governance.Standalone/Program.cs wires it, on loopback ports the OS chooses:
/// the CLI reaches it over real HTTP/2 (h2c), which an in-memory test server cannot carry.
/// </summary>
public sealed class GovernanceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private GovernanceHost(WebApplication app, Uri grpcAddress)
    {
        _app = app;
        GrpcAddress = grpcAddress;
        Token = TokenIssuer.Issue("wg-001", ActorRole.GridWorker, [DemoCounty.Code]);
        _http = GrpcClient.CreateHttpClient(grpcAddress);
        Client = new GrpcClient(_http) { DefaultHeaders = new Dictionary<string, string> { ["authorization"] = "Bearer " + Token } };
    }

    /// <summary>
    /// A grid worker token for wg-001 in the demo county, the reporter the tests report as, to pass as --token.
    /// </summary>
    public string Token { get; }

    /// <summary>Mints tokens with this host's signing key, the one in its data folder.</summary>
    public DevelopmentTokenIssuer TokenIssuer => _app.Services.GetRequiredService<DevelopmentTokenIssuer>();

    /// <summary>The host's services, to read what it stored (the event store) behind the API.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The address to pass as --address.</summary>
    public Uri GrpcAddress { get; }

    public string Address => GrpcAddress.ToString().TrimEnd('/');

    /// <summary>A direct client for setting up and checking, so assertions do not rest only on the CLI under test.</summary>
    public GrpcClient Client { get; }

    public static async Task<GovernanceHost> StartAsync(string dataDirectory, bool seedDemoCounty)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Incidents:DataDirectory"] = dataDirectory,
            ["Incidents:SeedDemoCounty"] = seedDemoCounty ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddServiceDefaults();
        builder.AddIncidents();
        // The same two listeners as the standalone host, gRPC first: the addresses are reported in this order.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.UseAuthentication();
        app.MapDefaultEndpoints();
        app.MapIncidents();
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        return new GovernanceHost(app, new Uri(addresses[0]));
    }

    public async Task<ListGridsResponse> FirstGridsAsync(int count) =>
        await Client.UnaryAsync<ListGridsRequest, ListGridsResponse>(
            GovernanceServices.RegistryService.Method("ListGrids"), new ListGridsRequest { PageSize = count });

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
