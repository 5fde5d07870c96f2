using Governance.Analytics.Projection;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Registry;
using Governance.Security;
using Governance.Standalone;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.LoadTest;

/// <summary>
/// The standalone host (exactly the wiring of `dotnet run`) started inside the load tool's process, on loopback ports
/// the OS picks and a data folder of its own, reached over real HTTP/2 with our gRPC client. Being in the same process
/// lets a benchmark watch the host's internals (the analytics projection's commits) on the same clock as its calls.
/// On an empty data folder the host seeds the demo county first, which takes a few seconds.
/// </summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly bool _deleteDataDirectory;

    private InProcessHost(WebApplication app, string dataDirectory, Uri grpcAddress, bool deleteDataDirectory)
    {
        _app = app;
        _deleteDataDirectory = deleteDataDirectory;
        DataDirectory = dataDirectory;
        GrpcAddress = grpcAddress;
        _http = GrpcClient.CreateHttpClient(grpcAddress);
        Tokens = app.Services.GetRequiredService<DevelopmentTokenIssuer>();
        Client = new GrpcClient(_http)
        {
            DefaultHeaders = Bearer(Tokens.Issue("load-center", ActorRole.CountyCenter, [DemoCounty.Code])),
        };
    }

    public string DataDirectory { get; }

    public Uri GrpcAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Mints tokens with the host's own signing key.</summary>
    public DevelopmentTokenIssuer Tokens { get; }

    /// <summary>Calls as the demo county's command centre unless a call brings its own authorization header.</summary>
    public GrpcClient Client { get; }

    /// <summary>The analytics projection the host feeds from the incident log (through the relay and the embedded broker).</summary>
    public IncidentFactsProjection Projection => _app.Services.GetRequiredService<IncidentFactsProjection>();

    /// <summary>
    /// Starts the host on <paramref name="dataDirectory"/> (a new temporary folder, deleted on dispose, when null) with
    /// extra settings as command-line arguments ("--Section:Key=value"), and returns once it serves: the registry is
    /// loaded and the analytics projection has opened its store.
    /// </summary>
    public static async Task<InProcessHost> StartAsync(string? dataDirectory = null, IReadOnlyList<string>? settings = null)
    {
        var temporary = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "governance-loadtest", Guid.NewGuid().ToString("N"));
        var app = StandaloneApp.Create(
        [
            $"--Incidents:DataDirectory={dataDirectory}",
            "--Ports:Grpc=0",
            "--Ports:Http=0",
            // The host's per-request information logs would cost CPU the benchmark is measuring.
            "--Logging:LogLevel:Default=Warning",
            .. settings ?? [],
        ]);
        try
        {
            await app.StartAsync();
            await app.Services.GetRequiredService<RegistryCache>().Loaded;
            await app.Services.GetRequiredService<IncidentFactsProjection>().Started;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        return new InProcessHost(app, dataDirectory, new Uri(addresses[0]), temporary);
    }

    public static IReadOnlyDictionary<string, string> Bearer(string token) =>
        new Dictionary<string, string> { ["authorization"] = "Bearer " + token };

    public async Task<IReadOnlyList<Grid>> ListGridsAsync()
    {
        var grids = new List<Grid>();
        var pageToken = "";
        do
        {
            var page = await Client.UnaryAsync<ListGridsRequest, ListGridsResponse>(
                GovernanceServices.RegistryService.Method("ListGrids"), new ListGridsRequest { PageSize = 1000, PageToken = pageToken });
            grids.AddRange(page.Grids);
            pageToken = page.NextPageToken;
        } while (pageToken.Length > 0);
        return grids;
    }

    public async Task<IReadOnlyList<Category>> ListCategoriesAsync() =>
        (await Client.UnaryAsync<ListCategoriesRequest, ListCategoriesResponse>(
            GovernanceServices.RegistryService.Method("ListCategories"), new ListCategoriesRequest())).Categories;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_deleteDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
