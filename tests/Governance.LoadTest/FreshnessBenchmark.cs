using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;

namespace Governance.LoadTest;

/// <summary>
/// How long a report takes to show in the rates: the standalone host runs in this process, reports go to it over gRPC
/// at a steady open-loop rate, and the analytics projection's commit notifications say when each incident first became
/// part of the committed snapshot that GetRates reads (after the relay's coalescing, the embedded broker and the
/// projection's group commit into analytics.db).
/// </summary>
/// <remarks>
/// Open loop: report i is due at start + i / rate whatever happened to earlier ones, and each report is its own call
/// (no fixed pool of callers), so a slow answer never delays the next report. How late each report actually went out
/// (the schedule's lag) is recorded and printed; the headline latency is counted from the moment the report was due,
/// so a schedule that fell behind shows in the figures instead of hiding (no coordinated omission).
/// </remarks>
internal static class FreshnessBenchmark
{
    private const string County = DemoCounty.Code;

    /// <summary>Reporters' tokens are minted once; report i goes out as reporter i mod this.</summary>
    private const int Reporters = 256;

    /// <summary>Reports not acknowledged this long after the schedule ended count as failed.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long after the last acknowledgement an incident may still become visible before it counts as never seen.</summary>
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(10);

    public const string Usage = "freshness [rate=1000] [seconds=30] [warm-up seconds=5]";

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var warmupSeconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        if (!(rate > 0) || !(seconds > 0) || !(warmupSeconds >= 0))
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }

        Console.WriteLine("Starting the standalone host in process (a fresh data folder; seeding the demo county) ...");
        await using var host = await InProcessHost.StartAsync();
        var grids = await host.ListGridsAsync();
        var categories = await host.ListCategoriesAsync();
        Console.WriteLine($"host ready at {host.GrpcAddress} ({host.DataDirectory}): {grids.Count} grids, {categories.Count} categories; " +
            $"{Environment.ProcessorCount} cores");

        // Each incident's first commit: when the projection's writer published the snapshot holding it. The callback
        // runs on the writer between commits, so it only stamps the moment and files the ids.
        var firstSeen = new ConcurrentDictionary<string, Sighting>(StringComparer.Ordinal);
        long commits = 0, committedIncidents = 0;
        using var subscription = host.Projection.Subscribe(commit =>
        {
            var at = Stopwatch.GetTimestamp();
            commits++;
            committedIncidents += commit.IncidentIds.Count;
            foreach (var id in commit.IncidentIds)
            {
                firstSeen.TryAdd(id, new Sighting(at, commit.Position));
            }
        });

        var reporterTokens = Enumerable.Range(0, Reporters)
            .Select(r => new CallOptions(Headers: InProcessHost.Bearer(host.Tokens.Issue(ReporterId(r), ActorRole.GridWorker, [County]))))
            .ToArray();
        var reportMethod = GovernanceServices.IncidentService.Method("ReportIncident");
        var runId = Guid.NewGuid().ToString("N")[..8];

        var total = (int)Math.Ceiling(rate * (warmupSeconds + seconds));
        var reports = new Report[total];
        var ticksPerReport = Stopwatch.Frequency / rate;
        var inFlight = 0;
        var peakInFlight = 0;
        var errors = new ConcurrentQueue<string>();

        async Task SendAsync(int i)
        {
            var random = new Random(i);
            var grid = grids[random.Next(grids.Count)];
            var request = new ReportIncidentRequest
            {
                ClientReportId = $"{runId}-{i}",
                ReporterId = ReporterId(i % Reporters),
                CategoryCode = categories[random.Next(categories.Count)].Code,
                Description = "时效测试: 道路旁暴露垃圾一处",
                Channel = Channel.App,
                Location = new Location { Point = grid.InteriorPoint, CoordinateSystem = CoordinateSystem.Wgs84, AccuracyMeters = 8 },
            };
            reports[i].Sent = Stopwatch.GetTimestamp();
            try
            {
                var response = await host.Client.UnaryAsync<ReportIncidentRequest, ReportIncidentResponse>(reportMethod, request, reporterTokens[i % Reporters]);
                reports[i].Acked = Stopwatch.GetTimestamp();
                reports[i].IncidentId = response.Incident.IncidentId;
                reports[i].Created = response.Created;
            }
            catch (Exception e)
            {
                reports[i].Acked = Stopwatch.GetTimestamp();
                reports[i].Failed = true;
                if (errors.Count < 5)
                {
                    errors.Enqueue($"report {i}: {e.GetType().Name}: {e.Message}");
                }
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        // The schedule runs on a thread of its own, so thread-pool queues cannot delay it; it hands each due report
        // to the pool (several at once when it woke late) and sleeps a millisecond in between rather than spinning,
        // which would take one of the machine's few cores from the host.
        Console.WriteLine($"sending {rate:F0} reports/s open loop for {warmupSeconds} s warm-up + {seconds} s measured ({total} reports) ...");
        var calls = new Task[total];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var measureFrom = start + (long)(warmupSeconds * Stopwatch.Frequency);
        var scheduler = new Thread(() =>
        {
            for (var i = 0; i < total;)
            {
                var now = Stopwatch.GetTimestamp();
                for (; i < total && Due(i) <= now; i++)
                {
                    var index = i;
                    reports[index].Due = Due(index);
                    var current = Interlocked.Increment(ref inFlight);
                    if (current > peakInFlight)
                    {
                        peakInFlight = current;
                    }
                    calls[index] = Task.Run(() => SendAsync(index));
                }
                if (i < total)
                {
                    Thread.Sleep(1);
                }
            }
        })
        { IsBackground = true, Name = "freshness schedule" };
        scheduler.Start();
        long Due(int i) => start + (long)(i * ticksPerReport);

        scheduler.Join();
        var scheduleEnded = Stopwatch.GetTimestamp();
        var drained = true;
        try
        {
            await Task.WhenAll(calls).WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            drained = false;
        }
        var wall = Stopwatch.GetElapsedTime(start);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        // Wait until every acknowledged report is in a commit, or the timeout says it is missing.
        var acknowledged = reports.Where(r => r.IncidentId is not null).ToArray();
        var waitUntil = Stopwatch.GetTimestamp() + (long)(VisibilityTimeout.TotalSeconds * Stopwatch.Frequency);
        while (acknowledged.Any(r => !firstSeen.ContainsKey(r.IncidentId!)) && Stopwatch.GetTimestamp() < waitUntil)
        {
            await Task.Delay(20);
        }

        // The figures, over the reports due after the warm-up.
        var measured = reports.Where(r => r.Due >= measureFrom).ToArray();
        var measuredOk = measured.Where(r => r.IncidentId is not null).ToArray();
        var seen = measuredOk.Where(r => firstSeen.ContainsKey(r.IncidentId!)).ToArray();
        var lateSends = measured.Count(r => r.Sent - r.Due > Stopwatch.Frequency / 100);
        var measuredSpan = (double)(reports[^1].Due - measureFrom) / Stopwatch.Frequency;
        var ackedSpan = measured.Length == 0 ? 0 : (double)(measured.Max(r => r.Acked) - measured.Min(r => r.Sent)) / Stopwatch.Frequency;

        Console.WriteLine();
        Console.WriteLine($"reports: {total} sent, {measured.Length} after the {warmupSeconds} s warm-up ({total - measured.Length} warm-up reports excluded)");
        Console.WriteLine($"achieved: {measured.Length / measuredSpan:F0} reports/s sent, {measuredOk.Length / ackedSpan:F0} acknowledged/s " +
            $"(target {rate:F0}/s); failed {measured.Count(r => r.Failed)}; unanswered after {DrainTimeout.TotalSeconds} s {measured.Count(r => r.Acked == 0)}; " +
            $"answered as a retry (not created) {measuredOk.Count(r => !r.Created)}");
        Console.WriteLine($"schedule lag (sent - due) ms: {Stats(measured.Select(r => Ms(r.Sent - r.Due)))}; " +
            $"{lateSends} reports went out > 10 ms late; peak in flight {peakInFlight}; the schedule ended {Ms(scheduleEnded - reports[^1].Due):F1} ms after its last due time");
        Console.WriteLine($"ReportIncident latency (ack - sent) ms: {Stats(measuredOk.Select(r => Ms(r.Acked - r.Sent)))}");
        Console.WriteLine($"freshness (visible - due)   ms: {Stats(seen.Select(r => Ms(firstSeen[r.IncidentId!].At - r.Due)))}");
        Console.WriteLine($"freshness (visible - sent)  ms: {Stats(seen.Select(r => Ms(firstSeen[r.IncidentId!].At - r.Sent)))}");
        Console.WriteLine($"freshness (visible - acked) ms: {Stats(seen.Select(r => Ms(firstSeen[r.IncidentId!].At - r.Acked)))}");
        var neverSeen = acknowledged.Count(r => !firstSeen.ContainsKey(r.IncidentId!));
        Console.WriteLine($"never seen in a commit within {VisibilityTimeout.TotalSeconds} s of the end: {neverSeen} (of {acknowledged.Length} acknowledged, warm-up included)");
        Console.WriteLine($"analytics commits: {commits} carrying {committedIncidents} incident changes ({(commits == 0 ? 0 : committedIncidents / (double)commits):F1} per commit); " +
            $"process CPU {cpu.TotalSeconds:F1} s over {wall.TotalSeconds:F1} s = {cpu / wall:F2} of {Environment.ProcessorCount} cores");
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error);
        }

        // Exactness: the rates served over gRPC count every successful report of the run, warm-up included, once.
        var rates = await host.Client.UnaryAsync<GetRatesRequest, GetRatesResponse>(GovernanceServices.AnalyticsService.Method("GetRates"),
            new GetRatesRequest { Filter = new RateFilter { RegionCode = County } });
        var created = reports.Count(r => r.IncidentId is not null && r.Created);
        var exact = rates.Rates.Reported == created;
        var lastSeenPosition = firstSeen.IsEmpty ? 0 : firstSeen.Values.Max(s => s.Position);
        Console.WriteLine($"GetRates({County}) at position {rates.Position} (last report first seen at {lastSeenPosition}): reported {rates.Rates.Reported}, " +
            $"open {rates.Rates.Open}; successful reports {created}: {(exact ? "equal" : "NOT EQUAL")}");

        return exact && neverSeen == 0 && drained && reports.All(r => !r.Failed) ? 0 : 1;
    }

    private static string ReporterId(int r) => $"fresh-worker-{r}";

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>p50, p90, p99 and max of the values (nearest rank), or "none".</summary>
    private static string Stats(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return "none";
        }
        double P(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {P(0.50):F1}  p90 {P(0.90):F1}  p99 {P(0.99):F1}  max {sorted[^1]:F1}  (min {sorted[0]:F1}, n {sorted.Length})");
    }

    /// <summary>When an incident first appeared in a committed analytics snapshot, and that snapshot's log position.</summary>
    private readonly record struct Sighting(long At, long Position);

    /// <summary>One report's moments (Stopwatch ticks) and outcome; written only by its own call.</summary>
    private struct Report
    {
        public long Due;
        public long Sent;
        public long Acked;
        public string? IncidentId;
        public bool Created;
        public bool Failed;
    }
}
