using System.Diagnostics;
using System.Globalization;
using Governance.Analytics.Storage;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Publishing;
using Governance.Incidents.Worklists;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.LoadTest;

/// <summary>
/// Projection throughput on replay, from a real incident log: events.db read with <see cref="IncidentLifeReader"/>
/// (what the relay and a rebuild run) and folded by <see cref="AnalyticsRebuild.RebuildAsync"/> into a new
/// analytics.db through the projection's group commit. Four figures per run, in events per second of wall and of CPU
/// time: the log read alone, the reader (read, fold, map), the end-to-end replay (the reader feeding the rebuild), and
/// the rebuild alone over events already in memory (what tests/Governance.Analytics.Benchmarks measures on synthetic
/// events).
/// </summary>
/// <remarks>
/// The log is made by the real host: incidents reported over gRPC and taken through their lives (register, dispatch,
/// sign, handle, verify, close; some with an assisting department, some reworked, some rejected). Steps are taken
/// cohort by cohort, each step for the whole cohort before the next, so an incident's events lie a cohort apart in the
/// log, as lives spread over days interleave in a real one. A cohort (3,000) fits the reader's cache of 10,000 states,
/// so the reader never re-reads a stream, as in the relay's steady state; a log interleaved wider would cost more.
/// </remarks>
internal static class ReplayBenchmark
{
    public const string Usage = "replay [incidents=30000] [data folder, or - for a temporary one] [runs=3]";

    private const string Dispute = "SG-0102"; // 矛盾纠纷: not dispatched automatically, no duplicate check
    private const string Justice = "330290-SFJ"; // 司法局, the lead
    private const string Welfare = "330290-MZJ"; // 民政局, assisting in some lives
    private const int Cohort = 3_000;
    private const int Concurrency = 64;
    private const int Reporters = 64;
    private const int PageSize = 5_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var incidents = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30_000;
        // No folder (or "-"): a temporary one, deleted at the end. A folder is kept, and its log replayed next time.
        var given = args.Length > 1 && args[1] is not ("" or "-") ? Path.GetFullPath(args[1]) : null;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var dataDirectory = given ?? Path.Combine(Path.GetTempPath(), "governance-loadtest", "replay-" + Guid.NewGuid().ToString("N"));
        var eventsPath = Path.Combine(dataDirectory, "events.db");
        try
        {
            if (File.Exists(eventsPath))
            {
                Console.WriteLine($"replaying the existing log {eventsPath}");
            }
            else
            {
                await GenerateAsync(dataDirectory, incidents);
            }
            await MeasureAsync(eventsPath, runs);
            return 0;
        }
        finally
        {
            if (given is null)
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    /// <summary>Runs the host on the folder (publishing nothing: the relay is off) and gives <paramref name="count"/> incidents a life.</summary>
    private static async Task GenerateAsync(string dataDirectory, int count)
    {
        Console.WriteLine($"making a log of {count} incident lives in {dataDirectory} (the host in process, relay off) ...");
        var watch = Stopwatch.StartNew();
        await using var host = await InProcessHost.StartAsync(dataDirectory, ["--PubSub:Relay:Enabled=false"]);
        var grids = await host.ListGridsAsync();
        CallOptions As(string subject, ActorRole role, string? department = null) =>
            new(Headers: InProcessHost.Bearer(host.Tokens.Issue(subject, role, [DemoCounty.Code], department)));
        var center = As("replay-center", ActorRole.CountyCenter);
        var justice = As("replay-sfj", ActorRole.DepartmentHandler, Justice);
        var welfare = As("replay-mzj", ActorRole.DepartmentHandler, Welfare);
        var reporters = Enumerable.Range(0, Reporters).Select(r => As(ReporterId(r), ActorRole.GridWorker)).ToArray();
        var runId = Guid.NewGuid().ToString("N")[..8];

        async Task<Incident> Call<TRequest, TResponse>(string service, string method, TRequest request, CallOptions caller, Func<TResponse, Incident> incident)
            where TRequest : Google.Protobuf.IMessage<TRequest>
            where TResponse : Google.Protobuf.IMessage<TResponse>, new()
        {
            var descriptor = service == "IncidentService" ? GovernanceServices.IncidentService : GovernanceServices.WorkflowService;
            return incident(await host.Client.UnaryAsync<TRequest, TResponse>(descriptor.Method(method), request, caller));
        }

        // The life of incident i as steps; each takes the incident as it stands and returns it after the step.
        // Every 10th has an assisting department, every 16th fails its first verification, every 25th is rejected.
        IEnumerable<Func<Incident, Task<Incident>>> Life(int i)
        {
            if (i % 25 == 24)
            {
                yield return x => Call<RejectIncidentRequest, RejectIncidentResponse>("WorkflowService", "RejectIncident",
                    new() { IncidentId = x.IncidentId, ExpectedVersion = x.Version, Reason = "经核实不属于事件" }, center, r => r.Incident);
                yield break;
            }
            var assisted = i % 10 == 3;
            yield return x => Call<RegisterIncidentRequest, RegisterIncidentResponse>("WorkflowService", "RegisterIncident",
                new() { IncidentId = x.IncidentId, ExpectedVersion = x.Version, Note = "属实，予以立案" }, center, r => r.Incident);
            yield return x =>
            {
                var request = new DispatchIncidentRequest { IncidentId = x.IncidentId, ExpectedVersion = x.Version, LeadDepartmentCode = Justice, Note = "请按职责处置" };
                if (assisted)
                {
                    request.AssistingDepartmentCodes.Add(Welfare);
                }
                return Call<DispatchIncidentRequest, DispatchIncidentResponse>("WorkflowService", "DispatchIncident", request, center, r => r.Incident);
            };
            var departments = assisted ? new[] { justice, welfare } : [justice];
            foreach (var department in departments)
            {
                yield return x => Call<SignAssignmentRequest, SignAssignmentResponse>("WorkflowService", "SignAssignment",
                    new() { IncidentId = x.IncidentId, ExpectedVersion = x.Version }, department, r => r.Incident);
            }
            for (var round = i % 16 == 5 ? 0 : 1; round < 2; round++)
            {
                foreach (var department in departments)
                {
                    yield return x => Call<ReportHandledRequest, ReportHandledResponse>("WorkflowService", "ReportHandled",
                        new() { IncidentId = x.IncidentId, ExpectedVersion = x.Version, Notes = "已组织调解", Photos = { AfterPhoto() } }, department, r => r.Incident);
                }
                var passed = round == 1;
                yield return x => Call<VerifyIncidentRequest, VerifyIncidentResponse>("WorkflowService", "VerifyIncident",
                    new() { IncidentId = x.IncidentId, ExpectedVersion = x.Version, Passed = passed, Note = passed ? "" : "调解协议未签订" }, center, r => r.Incident);
            }
            yield return x => Call<CloseIncidentRequest, CloseIncidentResponse>("WorkflowService", "CloseIncident",
                new() { IncidentId = x.IncidentId, ExpectedVersion = x.Version, Note = "核查通过，予以结案" }, center, r => r.Incident);
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Concurrency };
        for (var first = 0; first < count; first += Cohort)
        {
            var members = Enumerable.Range(first, Math.Min(Cohort, count - first)).ToArray();
            var states = new Incident[members.Length];
            var steps = members.Select(i => Life(i).ToArray()).ToArray();
            await Parallel.ForEachAsync(Enumerable.Range(0, members.Length), parallel, async (m, _) =>
            {
                var i = members[m];
                var grid = grids[i * 7919 % grids.Count];
                states[m] = await Call<ReportIncidentRequest, ReportIncidentResponse>("IncidentService", "ReportIncident", new ReportIncidentRequest
                {
                    ClientReportId = $"{runId}-{i}",
                    ReporterId = ReporterId(i % Reporters),
                    CategoryCode = Dispute,
                    Description = "两户村民因宅基地边界发生纠纷",
                    Channel = Channel.App,
                    Location = new Location { Point = grid.InteriorPoint, CoordinateSystem = CoordinateSystem.Wgs84, AccuracyMeters = 8 },
                }, reporters[i % Reporters], r => r.Incident);
            });
            for (var step = 0; step < steps.Max(s => s.Length); step++)
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, members.Length).Where(m => step < steps[m].Length), parallel,
                    async (m, _) => states[m] = await steps[m][step](states[m]));
            }
        }
        var head = await host.Services.GetRequiredService<IEventStore>().GetHeadPositionAsync();
        Console.WriteLine($"made {count} lives in {watch.Elapsed.TotalSeconds:F0} s; the log ends at position {head}");
    }

    private static async Task MeasureAsync(string eventsPath, int runs)
    {
        await using var store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = eventsPath });
        await store.InitializeAsync();
        var head = await store.GetHeadPositionAsync();
        Console.WriteLine($"log {eventsPath}: {head} records ({new FileInfo(eventsPath).Length / 1024 / 1024} MiB); " +
            $"pages of {PageSize}; {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");

        for (var run = 0; run < runs; run++)
        {
            // Each part runs on its own. The end-to-end replay (2) does the reader's work (1, of which the log read 0 is
            // a part) and the rebuild's (3) one after the other, page by page.
            // 0. The log read alone: the incident category's rows as stored, nothing decoded.
            var raw = await TimeAsync(async () =>
            {
                var records = 0L;
                for (var after = 0L; ;)
                {
                    var rows = await store.ReadCategoryAsync(IncidentProjection.Category, after, PageSize);
                    if (rows.Count == 0)
                    {
                        return records;
                    }
                    records += rows.Count;
                    after = rows[^1].Position;
                }
            });

            // 1. The reader: read the incident category, fold each event onto its incident, map it (and drop it).
            var reader = await TimeAsync(async () =>
            {
                var count = 0L;
                await foreach (var page in new IncidentLifeReader(store).ReadAllAsync(0, PageSize, CancellationToken.None))
                {
                    count += page.Events.Count;
                }
                return count;
            });

            // 2. End to end: the reader feeding the rebuild page by page, as a rebuild from the log runs.
            RebuildResult? replayed = null;
            var endToEnd = await TimeAsync(async () => (replayed = await RebuildAsync(FromLog(store))).Events);

            // 3. The rebuild alone, over the events read into memory beforehand (not timed): the projection's fold and
            // its SQLite commits. The events are dropped afterwards, so that the next run's heap is as small as this one's.
            var events = new List<IReadOnlyList<IncidentLifeEvent>>();
            await foreach (var batch in FromLog(store))
            {
                events.Add(batch);
            }
            RebuildResult? projected = null;
            var rebuild = await TimeAsync(async () => (projected = await RebuildAsync(InMemory(events))).Events);
            events.Clear();
            GC.Collect();

            Console.WriteLine($"run {run}: {reader.Count} incident-life events of {raw.Count} incident log records into {projected!.Incidents} incidents at position {projected.Position}");
            Console.WriteLine($"  log read alone (incident rows of events.db):   {raw}");
            Console.WriteLine($"  reader (events.db -> IncidentLifeEvent):       {reader}");
            Console.WriteLine($"  end to end (events.db -> analytics.db):        {endToEnd}");
            Console.WriteLine($"  rebuild alone (in memory -> analytics.db):     {rebuild}");
            if (replayed!.Events != reader.Count || replayed.Position != projected.Position || replayed.Incidents != projected.Incidents)
            {
                throw new InvalidOperationException("The end-to-end rebuild did not see what the reader saw.");
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> (which returns how many events it handled) and takes its wall and CPU time.</summary>
    private static async Task<Timed> TimeAsync(Func<Task<long>> work)
    {
        // The process's CPU time, not the thread's: the store reads and the projection's writer run on other threads.
        // Other processes on the machine stretch the wall time, not this.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var count = await work();
        return new Timed(count, watch.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private sealed record Timed(long Count, TimeSpan Wall, TimeSpan Cpu)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Wall.TotalMilliseconds,7:F0} ms = {Count / Wall.TotalSeconds,9:N0} events/s  (CPU {Cpu.TotalMilliseconds,7:F0} ms = {Count / Cpu.TotalSeconds,9:N0} events per CPU-second)");
    }

    /// <summary>A rebuild into a folder of its own, deleted afterwards.</summary>
    private static async Task<RebuildResult> RebuildAsync(IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> batches)
    {
        var directory = Path.Combine(Path.GetTempPath(), "governance-loadtest", "rebuild-" + Guid.NewGuid().ToString("N"));
        try
        {
            return await AnalyticsRebuild.RebuildAsync(directory, batches, CancellationToken.None);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> FromLog(IEventStore store) =>
        new IncidentLifeReader(store).ReadEventBatchesAsync(0, PageSize, CancellationToken.None);

    private static async IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> InMemory(List<IReadOnlyList<IncidentLifeEvent>> batches)
    {
        foreach (var batch in batches)
        {
            yield return batch;
        }
        await Task.CompletedTask;
    }

    private static string ReporterId(int r) => $"replay-worker-{r}";

    private static PhotoMetadata AfterPhoto() => new()
    {
        PhotoId = "after-" + Guid.NewGuid().ToString("N")[..8],
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())),
        ContentType = "image/jpeg",
        SizeBytes = 2_400_000,
    };
}
