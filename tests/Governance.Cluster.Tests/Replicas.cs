using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Security;
using Governance.Testing;

namespace Governance.Cluster.Tests;

/// <summary>
/// Incident-service replicas as separate processes on one PostgreSQL database (a fresh one per test), sharing one
/// development signing key, each reached over real HTTP/2 with our gRPC client.
/// </summary>
public sealed class Replicas : IAsyncDisposable
{
    public const string County = "330290";

    private readonly List<string> _folders = [];
    private readonly List<HttpClient> _clients = [];

    private Replicas(string connectionString, string keyFile)
    {
        ConnectionString = connectionString;
        KeyFile = keyFile;
        Issuer = new DevelopmentTokenIssuer(DevelopmentSigningKey.LoadOrCreate(keyFile, out _), AuthOptions.DefaultIssuer, AuthOptions.DefaultAudience, TimeProvider.System);
        CenterToken = Issuer.Issue("cc-cluster", ActorRole.CountyCenter, [County], null);
    }

    public string ConnectionString { get; }

    public string KeyFile { get; }

    public DevelopmentTokenIssuer Issuer { get; }

    public string CenterToken { get; }

    public List<ServiceProcess> Processes { get; } = [];

    public static async Task<Replicas> CreateAsync()
    {
        var connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        var folder = Path.Combine(Path.GetTempPath(), "governance-tests", "cluster-" + Guid.NewGuid().ToString("N"));
        var replicas = new Replicas(connectionString, Path.Combine(folder, "signing-key.pem"));
        replicas._folders.Add(folder);
        return replicas;
    }

    /// <summary>Starts <paramref name="count"/> replicas at once (they race to migrate and seed the empty database).</summary>
    public async Task<IReadOnlyList<ServiceProcess>> StartAsync(int count, params string[] settings)
    {
        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartOneAsync(settings)));
        return started;
    }

    public async Task<ServiceProcess> StartOneAsync(params string[] settings)
    {
        var name = $"incidents-{Processes.Count + 1}";
        var folder = Path.Combine(_folders[0], name);
        _folders.Add(folder);
        var process = await ServiceProcess.StartAsync("Governance.Incidents.Host", name,
        [
            $"--Incidents:DataDirectory={folder}",
            "--Incidents:Store:Provider=Postgres",
            $"--Incidents:Store:ConnectionString={ConnectionString}",
            $"--Auth:SigningKeyFile={KeyFile}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Governance=Information",
            .. settings,
        ]);
        lock (Processes)
        {
            Processes.Add(process);
        }
        return process;
    }

    public GrpcClient Client(ServiceProcess replica, string? token = null)
    {
        var http = GrpcClient.CreateHttpClient(replica.GrpcAddress);
        lock (_clients)
        {
            _clients.Add(http);
        }
        return new GrpcClient(http) { DefaultHeaders = new Dictionary<string, string> { ["authorization"] = "Bearer " + (token ?? CenterToken) } };
    }

    public string WorkerToken(string reporter) => Issuer.Issue(reporter, ActorRole.GridWorker, [County], null);

    public static Task<ReportIncidentResponse> ReportAsync(GrpcClient client, ReportIncidentRequest request) =>
        client.UnaryAsync<ReportIncidentRequest, ReportIncidentResponse>(GovernanceServices.IncidentService.Method("ReportIncident"), request);

    public static async Task<Incident> GetAsync(GrpcClient client, string incidentId) =>
        (await client.UnaryAsync<GetIncidentRequest, GetIncidentResponse>(GovernanceServices.IncidentService.Method("GetIncident"),
            new GetIncidentRequest { IncidentId = incidentId })).Incident;

    public static async Task<Grid> FirstGridAsync(GrpcClient client) =>
        (await client.UnaryAsync<ListGridsRequest, ListGridsResponse>(GovernanceServices.RegistryService.Method("ListGrids"),
            new ListGridsRequest { PageSize = 1 })).Grids[0];

    /// <summary>A report by <paramref name="reporter"/> at the grid's interior point, of a category the county dispatches by rule.</summary>
    public static ReportIncidentRequest Report(Grid grid, string reporter, string? clientReportId = null) => new()
    {
        ClientReportId = clientReportId ?? Guid.NewGuid().ToString(),
        ReporterId = reporter,
        CategoryCode = "LE-0101",
        Description = "河道旁暴露垃圾约两平方米",
        Channel = Channel.App,
        Location = new Location { Point = grid.InteriorPoint.Clone(), CoordinateSystem = CoordinateSystem.Wgs84, AccuracyMeters = 6 },
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        foreach (var process in Processes)
        {
            await process.DisposeAsync();
        }
        foreach (var folder in _folders.Take(1))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Already gone, or a file still held by a dying process: it is a temporary folder.
            }
        }
        await (await TestPostgres.GetAsync()).DropDatabaseAsync(ConnectionString);
    }
}
