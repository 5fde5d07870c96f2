using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Security;
using Governance.Testing;
using Xunit;

namespace Governance.Telemetry.Tests;

/// <summary>
/// The incident host and the analytics host as two processes, as a cluster runs them: pub/sub in Dapr mode through one
/// <see cref="TestDaprSidecar"/> that delivers to the analytics host, one development signing key for both, and each
/// exporting OTLP/HTTP (protobuf) to one <see cref="OtlpReceiver"/> under its own service.name. Separate processes
/// matter: two tracer providers in one process would each see both services' spans. Spans go out every 200 ms and
/// metrics every 500 ms, by the SDK's own variables; nothing in the services is set for the test. The incident host
/// gets them as environment variables, as a deployment sets them; the analytics host as command-line settings, which
/// ServiceDefaults hands to the SDK like the environment.
/// </summary>
public sealed class TwoServicesExportingOtlp : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "governance-tests", "otel-" + Guid.NewGuid().ToString("N"));
    private DevelopmentSigningKey? _key;
    private HttpClient? _http;

    public OtlpReceiver Receiver { get; private set; } = null!;

    public TestDaprSidecar Sidecar { get; private set; } = null!;

    public ServiceProcess Incidents { get; private set; } = null!;

    public ServiceProcess Analytics { get; private set; } = null!;

    public GrpcClient IncidentsClient { get; private set; } = null!;

    public DevelopmentTokenIssuer Tokens { get; private set; } = null!;

    /// <summary>Grids of the demo county the incident host seeds; each report goes to another, so none is a duplicate of an earlier one.</summary>
    private IReadOnlyList<Grid> _grids = [];
    private int _reports;

    /// <summary>What both processes wrote, for failure messages.</summary>
    public string Output => $"--- incidents ---{Environment.NewLine}{(Incidents is null ? "" : string.Join(Environment.NewLine, Incidents.Output))}{Environment.NewLine}--- analytics ---{Environment.NewLine}{(Analytics is null ? "" : string.Join(Environment.NewLine, Analytics.Output))}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Receiver = await OtlpReceiver.StartAsync();
        Sidecar = await TestDaprSidecar.StartAsync();
        var keyFile = Path.Combine(_directory, "signing-key.pem");
        _key = DevelopmentSigningKey.LoadOrCreate(keyFile, out _);
        Tokens = new DevelopmentTokenIssuer(_key);

        string[] common =
        [
            "--Ports:Grpc=0",
            "--Ports:Http=0",
            "--PubSub:Mode=Dapr",
            $"--PubSub:DaprHttpEndpoint={Sidecar.Address}",
            $"--Auth:SigningKeyFile={keyFile}",
            // The console (which the test reads) stays quiet; the exported logs carry what each host says at start.
            "--Logging:LogLevel:Default=Warning",
            "--Logging:OpenTelemetry:LogLevel:Default=Information",
        ];
        var incidents = ServiceProcess.StartAsync("Governance.Incidents.Host", "incidents",
            [$"--Incidents:DataDirectory={Path.Combine(_directory, "incidents")}", .. common], Otel("incidents"));
        var analytics = ServiceProcess.StartAsync("Governance.Analytics.Host", "analytics",
            [$"--Analytics:DataDirectory={Path.Combine(_directory, "analytics")}", .. common, .. Otel("analytics").Select(s => $"--{s.Key}={s.Value}")],
            new Dictionary<string, string>());
        try
        {
            await Task.WhenAll(incidents, analytics);
        }
        finally
        {
            // Whichever started is kept for DisposeAsync to stop, even when the other failed.
            Incidents = incidents.IsCompletedSuccessfully ? incidents.Result : null!;
            Analytics = analytics.IsCompletedSuccessfully ? analytics.Result : null!;
        }
        await Sidecar.SubscribeAppAsync(Analytics.HttpAddress);

        _http = GrpcClient.CreateHttpClient(Incidents.GrpcAddress);
        IncidentsClient = new GrpcClient(_http);
        var grids = await IncidentsClient.UnaryAsync<ListGridsRequest, ListGridsResponse>(
            GovernanceServices.RegistryService.Method("ListGrids"), new ListGridsRequest { PageSize = 200 },
            new CallOptions(Headers: Bearer(Tokens.Issue("cc-otel", ActorRole.CountyCenter, [DemoCounty.Code]))));
        _grids = grids.Grids;
    }

    /// <summary>The SDK's own variables, as a deployment sets them; the batch and export intervals short for a test.</summary>
    private Dictionary<string, string> Otel(string serviceName) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = serviceName,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "500",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    public static IReadOnlyDictionary<string, string> Bearer(string token) =>
        new Dictionary<string, string> { ["authorization"] = "Bearer " + token };

    /// <summary>
    /// A grid worker's report of exposed garbage, which the county rule registers and dispatches at once: three
    /// incident-life events from one call. With <paramref name="traceParent"/>, sent as the app's W3C trace context.
    /// Each report is in a grid of its own: a second report of the same kind nearby would be held as a possible
    /// duplicate instead of dispatched.
    /// </summary>
    public async Task<Incident> ReportAsync(string? traceParent)
    {
        var grid = _grids[(100 + 17 * Interlocked.Increment(ref _reports)) % _grids.Count];
        var headers = new Dictionary<string, string>
        {
            ["authorization"] = "Bearer " + Tokens.Issue("wg-otel", ActorRole.GridWorker, [DemoCounty.Code]),
        };
        if (traceParent is not null)
        {
            headers["traceparent"] = traceParent;
        }
        var response = await IncidentsClient.UnaryAsync<ReportIncidentRequest, ReportIncidentResponse>(
            GovernanceServices.IncidentService.Method("ReportIncident"),
            new ReportIncidentRequest
            {
                ClientReportId = Guid.NewGuid().ToString(),
                ReporterId = "wg-otel",
                CategoryCode = "LE-0101",
                Description = "河道旁暴露垃圾约两平方米",
                Channel = Channel.App,
                Location = new Location { Point = grid.InteriorPoint.Clone(), CoordinateSystem = CoordinateSystem.Wgs84, AccuracyMeters = 6 },
            },
            new CallOptions(Headers: headers));
        Assert.Equal(IncidentState.Dispatched, response.Incident.State);
        return response.Incident;
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (Incidents is not null)
        {
            await Incidents.DisposeAsync();
        }
        if (Analytics is not null)
        {
            await Analytics.DisposeAsync();
        }
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
        _key?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
