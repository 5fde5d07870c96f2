using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Governance.Analytics.Projection;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Publishing;
using Governance.Incidents.Storage;
using Governance.Incidents.Worklists;
using Microsoft.Extensions.DependencyInjection;

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
/// A warm-up at the same rate comes first (a fresh host runs its first seconds on unoptimised code), then the tool
/// waits until the warm-up's reports are all answered and visible, so the measured run starts on a warm host with
/// empty queues rather than inheriting the warm-up's backlog. The warm-up's reports are left out of the figures but
/// counted in the exactness check.
/// </remarks>
internal static class FreshnessBenchmark
{
    private const string County = DemoCounty.Code;

    /// <summary>Reporters' tokens are minted once; report i goes out as reporter i mod this.</summary>
    private const int Reporters = 256;

    /// <summary>How long the calls still open when a schedule ends may take to answer; an overloaded host needs long.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long after the last answer an incident may still become visible before it counts as never seen.</summary>
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The issue's target for the report-to-rates latency.</summary>
    private static readonly TimeSpan TargetP99 = TimeSpan.FromSeconds(1);

    public const string Usage = "freshness [rate=1000] [seconds=30] [warm-up seconds=10] [--Section:Key=value host settings ...]";

    public static async Task<int> RunAsync(string[] arguments)
    {
        // "--Section:Key=value" goes to the host as its own command line does (e.g. --PubSub:Relay:BatchSize=2000).
        var settings = arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var args = arguments.Except(settings).ToArray();
        var rate = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var warmupSeconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        if (!(rate > 0) || !(seconds > 0) || !(warmupSeconds >= 0))
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }

        Console.WriteLine("Starting the standalone host in process (a fresh data folder; seeding the demo county)" +
            (settings.Length == 0 ? "" : " with " + string.Join(' ', settings)) + " ...");
        await using var host = await InProcessHost.StartAsync(settings: settings);
        var grids = await host.ListGridsAsync();
        var categories = await host.ListCategoriesAsync();
        Console.WriteLine($"host ready at {host.GrpcAddress} ({host.DataDirectory}): {grids.Count} grids, {categories.Count} categories; " +
            $"{Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");

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
        var warmupCount = (int)Math.Ceiling(rate * warmupSeconds);
        var measuredCount = (int)Math.Ceiling(rate * seconds);
        var reports = new Report[warmupCount + measuredCount];
        var calls = new Task[reports.Length];
        var errors = new ConcurrentQueue<string>();
        var inFlight = 0;

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

        // Sends reports [first, first + count) on the schedule, waits for their answers, then for their visibility.
        async Task<Phase> RunPhaseAsync(int first, int count)
        {
            var ticksPerReport = Stopwatch.Frequency / rate;
            var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
            long Due(int i) => start + (long)((i - first) * ticksPerReport);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var peakInFlight = 0;
            var end = first + count;
            // The schedule runs on a thread of its own, so thread-pool queues cannot delay it; it hands each due report
            // to the pool (several at once when it woke late) and sleeps a millisecond in between rather than spinning,
            // which would take one of the machine's few cores from the host.
            var scheduler = new Thread(() =>
            {
                for (var i = first; i < end;)
                {
                    var now = Stopwatch.GetTimestamp();
                    for (; i < end && Due(i) <= now; i++)
                    {
                        var index = i;
                        reports[index].Due = Due(index);
                        peakInFlight = Math.Max(peakInFlight, Interlocked.Increment(ref inFlight));
                        calls[index] = Task.Run(() => SendAsync(index));
                    }
                    if (i < end)
                    {
                        Thread.Sleep(1);
                    }
                }
            })
            { IsBackground = true, Name = "freshness schedule" };
            scheduler.Start();
            scheduler.Join();
            var scheduleEnded = Stopwatch.GetTimestamp();

            var answered = true;
            try
            {
                await Task.WhenAll(calls.AsSpan(first, count)).WaitAsync(DrainTimeout);
            }
            catch (TimeoutException)
            {
                answered = false;
            }
            var wall = Stopwatch.GetElapsedTime(start);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var waitUntil = Stopwatch.GetTimestamp() + (long)(VisibilityTimeout.TotalSeconds * Stopwatch.Frequency);
            while (Enumerable.Range(first, count).Any(i => reports[i].IncidentId is { } id && !firstSeen.ContainsKey(id))
                && Stopwatch.GetTimestamp() < waitUntil)
            {
                await Task.Delay(20);
            }
            return new Phase(answered, peakInFlight, Ms(scheduleEnded - Due(end - 1)), cpu / wall);
        }

        Console.WriteLine($"warm-up: {rate:F0} reports/s open loop for {warmupSeconds} s ({warmupCount} reports), then until they are answered and visible ...");
        var warmupWatch = Stopwatch.StartNew();
        var warmup = warmupCount == 0 ? new Phase(true, 0, 0, 0) : await RunPhaseAsync(0, warmupCount);
        Console.WriteLine($"warm-up done in {warmupWatch.Elapsed.TotalSeconds:F1} s; " +
            $"report-to-rates during it (visible - due) ms: {Stats(Freshness(reports[..warmupCount], firstSeen))}");
        Console.WriteLine($"measuring: {rate:F0} reports/s open loop for {seconds} s ({measuredCount} reports) ...");
        var commitsBefore = commits;
        var changesBefore = committedIncidents;
        using var sampling = new CancellationTokenSource();
        var pipeline = SamplePipelineAsync(host.Services, sampling.Token);
        var phase = await RunPhaseAsync(warmupCount, measuredCount);
        await sampling.CancelAsync();
        var samples = await pipeline;

        // Everything is judged on one copy of the reports and of the sightings, so calls answering late cannot mix in.
        var final = (Report[])reports.Clone();
        var sightings = new Dictionary<string, Sighting>(firstSeen, StringComparer.Ordinal);
        var measured = final[warmupCount..];
        var measuredOk = measured.Where(r => r.IncidentId is not null).ToArray();
        var seen = measuredOk.Where(r => sightings.ContainsKey(r.IncidentId!)).ToArray();
        var lateSends = measured.Count(r => r.Sent - r.Due > Stopwatch.Frequency / 100);
        var sentSpan = (double)(measured[^1].Due - measured[0].Due) / Stopwatch.Frequency;
        var ackedSpan = measuredOk.Length == 0 ? 0 : (double)(measuredOk.Max(r => r.Acked) - measuredOk.Min(r => r.Sent)) / Stopwatch.Frequency;
        var freshness = Freshness(measured, sightings).Order().ToArray();
        var neverSeen = final.Count(r => r.IncidentId is { } id && !sightings.ContainsKey(id));

        Console.WriteLine();
        Console.WriteLine($"reports: {measured.Length} measured; {warmupCount} warm-up reports excluded from the figures");
        Console.WriteLine($"achieved: {(measured.Length - 1) / sentSpan:F0} reports/s sent, {measuredOk.Length / ackedSpan:F0} acknowledged/s " +
            $"(target {rate:F0}/s); failed {measured.Count(r => r.Failed)}; unanswered {measured.Count(r => r.Acked == 0)}; " +
            $"answered as a retry (not created) {measuredOk.Count(r => !r.Created)}");
        Console.WriteLine($"schedule lag (sent - due) ms: {Stats(measured.Select(r => Ms(r.Sent - r.Due)))}; {lateSends} reports went out > 10 ms late; " +
            $"peak in flight {phase.PeakInFlight}; the schedule ended {phase.ScheduleOverrunMs:F1} ms after its last due time");
        Console.WriteLine($"ReportIncident latency (ack - sent) ms: {Stats(measuredOk.Select(r => Ms(r.Acked - r.Sent)))}");
        Console.WriteLine($"freshness (visible - due)   ms: {Stats(freshness)}");
        Console.WriteLine($"freshness (visible - sent)  ms: {Stats(seen.Select(r => Ms(sightings[r.IncidentId!].At - r.Sent)))}");
        Console.WriteLine($"freshness (visible - acked) ms: {Stats(seen.Select(r => Ms(sightings[r.IncidentId!].At - r.Acked)))}");
        Console.WriteLine($"never seen in a commit within {VisibilityTimeout.TotalSeconds} s of the last answer: {neverSeen} " +
            $"(of {final.Count(r => r.IncidentId is not null)} acknowledged, warm-up included)");
        var phaseCommits = commits - commitsBefore;
        Console.WriteLine($"analytics commits while measuring: {phaseCommits} carrying {committedIncidents - changesBefore} incident changes " +
            $"({(phaseCommits == 0 ? 0 : (committedIncidents - changesBefore) / (double)phaseCommits):F1} per commit); " +
            $"this process used {phase.CoresUsed:F2} of {Environment.ProcessorCount} cores (host and load together)");
        Console.WriteLine("behind the log head, in log positions, sampled every 250 ms while measuring (about 2.7 positions a report):");
        Console.WriteLine($"  worklist projection {Stats(samples.Select(x => (double)(x.Head - x.Worklists)))}");
        Console.WriteLine($"  relay (published)   {Stats(samples.Select(x => (double)(x.Head - x.Relay)))}");
        Console.WriteLine($"  analytics snapshot  {Stats(samples.Select(x => (double)(x.Head - x.Analytics)))}");
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error);
        }

        // Exactness: the rates served over gRPC count every successful report of the run, warm-up included, once.
        var rates = await host.Client.UnaryAsync<GetRatesRequest, GetRatesResponse>(GovernanceServices.AnalyticsService.Method("GetRates"),
            new GetRatesRequest { Filter = new RateFilter { RegionCode = County } });
        var created = final.Count(r => r.IncidentId is not null && r.Created);
        var exact = rates.Rates.Reported == created;
        var lastSeenPosition = sightings.Count == 0 ? 0 : sightings.Values.Max(s => s.Position);
        Console.WriteLine($"GetRates({County}) at position {rates.Position} (last report first seen at {lastSeenPosition}): reported {rates.Rates.Reported}, " +
            $"open {rates.Rates.Open}; successful reports {created}: {(exact ? "equal" : "NOT EQUAL")}");

        var p99 = freshness.Length == 0 ? double.NaN : Percentile(freshness, 0.99);
        var keptUp = measuredOk.Length / ackedSpan >= 0.95 * rate && phase.Answered;
        Console.WriteLine($"verdict: p99 report-to-rates {p99 / 1000:F2} s against the target < {TargetP99.TotalSeconds:F0} s: " +
            (p99 < TargetP99.TotalMilliseconds ? "met" : "NOT met") +
            (keptUp ? "" : $"; the host did not keep up with {rate:F0} reports/s here, so this is not a steady state"));

        return exact && neverSeen == 0 && warmup.Answered && phase.Answered && final.All(r => !r.Failed) ? 0 : 1;
    }

    /// <summary>
    /// Where each stage between a report and the rates stands, every 250 ms until cancelled: the last position this
    /// process appended to the log, the in-memory incident projection (worklists, duplicate checks), the relay's
    /// checkpoint and the analytics snapshot. Shows which stage a backlog builds up in. The head is the last position an
    /// append here returned, so a stage that read appends still returning is seen a little ahead of it (a negative lag).
    /// </summary>
    private static async Task<List<PipelineSample>> SamplePipelineAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var streams = services.GetRequiredService<DomainStreams>();
        var worklists = services.GetRequiredService<IncidentProjection>();
        var relay = services.GetRequiredService<IncidentLifeRelay>();
        var analytics = services.GetRequiredService<IncidentFactsProjection>();
        var samples = new List<PipelineSample>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // Downstream first: a stage read before the head cannot be seen past what it has been compared with.
                var inAnalytics = analytics.Current.Position;
                var published = relay.Position;
                var folded = worklists.Position;
                samples.Add(new PipelineSample(streams.LastAppendedPosition, folded, published, inAnalytics));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        return samples;
    }

    /// <summary>Visible - due, in ms, of each report that was answered and seen in a commit.</summary>
    private static IEnumerable<double> Freshness(IEnumerable<Report> reports, IReadOnlyDictionary<string, Sighting> sightings) =>
        reports.Where(r => r.IncidentId is not null && sightings.ContainsKey(r.IncidentId))
            .Select(r => Ms(sightings[r.IncidentId!].At - r.Due));

    private static string ReporterId(int r) => $"fresh-worker-{r}";

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>p50, p90, p99 and max of the values, or "none".</summary>
    private static string Stats(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? "none" : string.Create(CultureInfo.InvariantCulture,
            $"p50 {Percentile(sorted, 0.50):F1}  p90 {Percentile(sorted, 0.90):F1}  p99 {Percentile(sorted, 0.99):F1}  max {sorted[^1]:F1}  (min {sorted[0]:F1}, n {sorted.Length})");
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

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

    private readonly record struct PipelineSample(long Head, long Worklists, long Relay, long Analytics);

    /// <summary>How one schedule went: all answered in time, the most calls open at once, how late it ended, CPU used.</summary>
    private readonly record struct Phase(bool Answered, int PeakInFlight, double ScheduleOverrunMs, double CoresUsed);
}
