using System.Diagnostics;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Security;

namespace Governance.LoadTest;

/// <summary>
/// Sends ReportIncident calls with fresh client report ids at interior points of real grids, from
/// `concurrency` concurrent callers, for `seconds` after a short warm-up, and prints calls/s and latency.
/// The host takes a report only from its reporter's own token, so each caller gets a grid worker token minted with
/// the host's signing key from the data folder (default services/Governance.Standalone/data, where `dotnet run`
/// keeps it; `dotnet run` from the repository root is assumed).
/// </summary>
internal static class ClosedLoopLoad
{
    public const string Usage = "[address] [concurrency] [seconds] [data folder]";

    private const double WarmupSeconds = 3;
    private const string County = "330290";

    public static async Task<int> RunAsync(string[] args)
    {
        var address = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5080");
        var concurrency = args.Length > 1 ? int.Parse(args[1]) : 64;
        var seconds = args.Length > 2 ? double.Parse(args[2]) : 20;
        var dataDirectory = args.Length > 3 ? args[3] : Path.Combine("services", "Governance.Standalone", "data");

        using var key = DevelopmentSigningKey.Load(DevelopmentSigningKey.DefaultPath(dataDirectory));
        var result = await RunLoadAsync([address], new DevelopmentTokenIssuer(key), concurrency, seconds);
        return result.Errors == 0 ? 0 : 1;
    }

    /// <summary>What one closed-loop run measured.</summary>
    public sealed record LoadResult(int Calls, double Seconds, int Errors, double P50, double P90, double P99, double Max)
    {
        public double CallsPerSecond => Calls / Seconds;
    }

    /// <summary>
    /// The closed loop against one or more replicas: caller w talks to addresses[w % n], as a load balancer spreading
    /// connections would. Prints and returns the figures.
    /// </summary>
    public static async Task<LoadResult> RunLoadAsync(IReadOnlyList<Uri> addresses, DevelopmentTokenIssuer issuer, int concurrency, double seconds)
    {
        string Worker(int w) => $"load-worker-{w}";
        var tokens = Enumerable.Range(0, concurrency)
            .Select(w => new CallOptions(Headers: new Dictionary<string, string> { ["authorization"] = "Bearer " + issuer.Issue(Worker(w), ActorRole.GridWorker, [County]) }))
            .ToArray();

        var https = addresses.Select(GrpcClient.CreateHttpClient).ToList();
        var clients = https.Select(http => new GrpcClient(http)
        {
            DefaultHeaders = new Dictionary<string, string>
            {
                ["authorization"] = "Bearer " + issuer.Issue("load-reader", ActorRole.CountyCenter, [County]),
                ["x-client"] = "governance-loadtest",
            },
        }).ToList();
        var client = clients[0];
        var registryService = GovernanceServices.RegistryService;
        var report = GovernanceServices.IncidentService.Method("ReportIncident");

        var grids = new List<Grid>();
        var pageToken = "";
        do
        {
            var page = await client.UnaryAsync<ListGridsRequest, ListGridsResponse>(
                registryService.Method("ListGrids"), new ListGridsRequest { PageSize = 1000, PageToken = pageToken });
            grids.AddRange(page.Grids);
            pageToken = page.NextPageToken;
        } while (pageToken.Length > 0);
        var categories = (await client.UnaryAsync<ListCategoriesRequest, ListCategoriesResponse>(
            registryService.Method("ListCategories"), new ListCategoriesRequest())).Categories;
        Console.WriteLine($"{grids.Count} grids, {categories.Count} categories; {concurrency} concurrent callers over {addresses.Count} address(es), {seconds} s after {WarmupSeconds} s warm-up");

        var runId = Guid.NewGuid().ToString("N")[..8];
        var measureFrom = Stopwatch.GetTimestamp() + (long)(WarmupSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(seconds * Stopwatch.Frequency);
        var latencies = new List<double>[concurrency];
        var errors = new int[concurrency];
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var caller = clients[w % clients.Count];
            var mine = latencies[w] = new List<double>(1 << 16);
            var random = new Random(w);
            for (var i = 0; ; i++)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= stopAt)
                {
                    return;
                }
                var grid = grids[random.Next(grids.Count)];
                var request = new ReportIncidentRequest
                {
                    ClientReportId = $"{runId}-{w}-{i}",
                    ReporterId = Worker(w),
                    CategoryCode = categories[random.Next(categories.Count)].Code,
                    Description = "负载测试: 道路旁暴露垃圾一处",
                    Channel = Channel.App,
                    Location = new Location { Point = grid.InteriorPoint, CoordinateSystem = CoordinateSystem.Wgs84, AccuracyMeters = 8 },
                };
                try
                {
                    await caller.UnaryAsync<ReportIncidentRequest, ReportIncidentResponse>(report, request, tokens[w]);
                    if (started >= measureFrom)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
                catch (RpcException e)
                {
                    if (errors[w]++ < 3)
                    {
                        Console.Error.WriteLine($"worker {w}: {e.StatusCode} {e.Detail}");
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
        Console.WriteLine($"calls: {all.Length} in {seconds} s = {all.Length / seconds:F0} calls/s; errors: {errors.Sum()}");
        Console.WriteLine($"latency ms: p50 {Percentile(0.50):F2}  p90 {Percentile(0.90):F2}  p99 {Percentile(0.99):F2}  max {(all.Length > 0 ? all[^1] : double.NaN):F2}");
        foreach (var http in https)
        {
            http.Dispose();
        }
        return new LoadResult(all.Length, seconds, errors.Sum(), Percentile(0.50), Percentile(0.90), Percentile(0.99), all.Length > 0 ? all[^1] : double.NaN);
    }
}
