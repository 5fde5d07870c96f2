using Governance.Contracts.V1;
using Governance.Domain;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Security;
using Governance.Standalone;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Incidents.Tests.Fixtures;

/// <summary>
/// The real standalone host (the same wiring as `dotnet run`) on loopback ports chosen by the OS, with its own
/// SQLite store in a temporary folder, reached over real HTTP/2 with our gRPC client. <see cref="Client"/> and
/// <see cref="CallAsync"/> act as the demo county's command centre unless given another token; reports go out under
/// a grid worker token whose subject is the reporter, since the host takes reports only from the reporter itself.
/// </summary>
public sealed class StandaloneHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private StandaloneHost(WebApplication app, string dataDirectory, Uri grpcAddress, Uri httpAddress)
    {
        _app = app;
        DataDirectory = dataDirectory;
        GrpcAddress = grpcAddress;
        HttpAddress = httpAddress;
        _http = GrpcClient.CreateHttpClient(grpcAddress);
        CountyCenterToken = TokenFor("cc-test", ActorRole.CountyCenter, [DemoCounty.Code]);
        Client = new GrpcClient(_http) { DefaultHeaders = Bearer(CountyCenterToken) };
    }

    public string DataDirectory { get; }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    /// <summary>Sends <see cref="CountyCenterToken"/> with every call; per-call authorization metadata replaces it.</summary>
    public GrpcClient Client { get; }

    /// <summary>A county_center token for the demo county 330290, valid for the default lifetime.</summary>
    public string CountyCenterToken { get; }

    /// <summary>Mints tokens with this host's own signing key, as `governance token` does.</summary>
    public DevelopmentTokenIssuer TokenIssuer => _app.Services.GetRequiredService<DevelopmentTokenIssuer>();

    public IServiceProvider Services => _app.Services;

    public IEventStore Store => _app.Services.GetRequiredService<IEventStore>();

    /// <summary>
    /// Starts the host on its own data folder (a new temporary one by default), on the given clock or the system's, with
    /// extra settings as command-line arguments ("--Section:Key=value") and extra services registered before the
    /// host's own (a test subscriber, a publisher that fails on purpose).
    /// </summary>
    public static async Task<StandaloneHost> StartAsync(
        string? dataDirectory = null,
        TimeProvider? clock = null,
        IReadOnlyList<string>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "governance-tests", Guid.NewGuid().ToString("N"));
        var app = StandaloneApp.Create(
        [
            $"--Incidents:DataDirectory={dataDirectory}",
            "--Ports:Grpc=0",
            "--Ports:Http=0",
            "--Logging:LogLevel:Default=Warning",
            .. settings ?? [],
        ], services =>
        {
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }
            configureServices?.Invoke(services);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        return new StandaloneHost(app, dataDirectory, new Uri(addresses[0]), new Uri(addresses[1]));
    }

    /// <summary>A token this host accepts for the subject in the role and regions.</summary>
    public string TokenFor(string subject, ActorRole role, string[] regions, string? department = null) =>
        TokenIssuer.Issue(subject, role, regions, department);

    /// <summary>The metadata that carries a bearer token.</summary>
    public static IReadOnlyDictionary<string, string> Bearer(string token) =>
        new Dictionary<string, string> { ["authorization"] = "Bearer " + token };

    /// <summary>Calls as the county centre, or with the given token; "" sends no token at all.</summary>
    public Task<TResponse> CallAsync<TRequest, TResponse>(string service, string method, TRequest request, string? token = null)
        where TRequest : Google.Protobuf.IMessage<TRequest>
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        var descriptor = service == "IncidentService" ? GovernanceServices.IncidentService : GovernanceServices.RegistryService;
        if (token is null)
        {
            return Client.UnaryAsync<TRequest, TResponse>(descriptor.Method(method), request);
        }
        var client = token.Length == 0 ? new GrpcClient(_http) : Client;
        return client.UnaryAsync<TRequest, TResponse>(descriptor.Method(method), request,
            new CallOptions(Headers: token.Length == 0 ? null : Bearer(token)));
    }

    /// <summary>Reports as the request's reporter (a grid worker of the demo county), or with the given token.</summary>
    public Task<ReportIncidentResponse> ReportAsync(ReportIncidentRequest request, string? token = null) =>
        CallAsync<ReportIncidentRequest, ReportIncidentResponse>("IncidentService", "ReportIncident", request,
            token ?? (string.IsNullOrWhiteSpace(request.ReporterId)
                ? CountyCenterToken
                : TokenFor(request.ReporterId, ActorRole.GridWorker, [DemoCounty.Code])));

    public async Task<Incident> GetIncidentAsync(string id, CoordinateSystem crs = CoordinateSystem.Unspecified) =>
        (await CallAsync<GetIncidentRequest, GetIncidentResponse>("IncidentService", "GetIncident",
            new GetIncidentRequest { IncidentId = id, CoordinateSystem = crs })).Incident;

    public Task<LookupLocationResponse> LookupAsync(LookupLocationRequest request) =>
        CallAsync<LookupLocationRequest, LookupLocationResponse>("RegistryService", "LookupLocation", request);

    public async Task<IReadOnlyList<Grid>> ListGridsAsync()
    {
        var grids = new List<Grid>();
        var token = "";
        do
        {
            var page = await CallAsync<ListGridsRequest, ListGridsResponse>("RegistryService", "ListGrids",
                new ListGridsRequest { PageSize = 1000, PageToken = token });
            grids.AddRange(page.Grids);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return grids;
    }

    /// <summary>Stops the host, keeping its data folder (for restart tests).</summary>
    public async Task StopAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

}

/// <summary>One standalone host with the demo county seeded, shared by the tests of a class (each test makes its own reports).</summary>
public sealed class HostWithDemoCounty : IAsyncLifetime
{
    public StandaloneHost Host { get; private set; } = null!;

    public IReadOnlyList<Grid> Grids { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Host = await StandaloneHost.StartAsync();
        Grids = await Host.ListGridsAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
