using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Security;
using Governance.Standalone;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Cli.Tests.Fixtures;

/// <summary>
/// The standalone host itself (StandaloneApp, as services/Governance.Standalone/Program.cs runs it: incidents, the
/// relay, the analytics projection and its queries) on loopback ports the OS chooses: the CLI reaches it over real
/// HTTP/2 (h2c), which an in-memory test server cannot carry.
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
        var app = StandaloneApp.Create(
        [
            $"--Incidents:DataDirectory={dataDirectory}",
            $"--Incidents:SeedDemoCounty={(seedDemoCounty ? "true" : "false")}",
            "--Ports:Grpc=0",
            "--Ports:Http=0",
            "--Logging:LogLevel:Default=Warning",
        ]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        // gRPC first, then HTTP: the order Ports.ListenOnGovernancePorts binds them in.
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
