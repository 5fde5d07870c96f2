using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Governance.Analytics.Hosting;
using Governance.Analytics.Projection;
using Governance.Analytics.Rates;
using Governance.Analytics.Storage;
using Governance.Contracts.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Governance.Analytics.Benchmarks;

/// <summary>
/// Replay of 200,000 incident-life events through <see cref="IncidentFactsProjection.ApplyBatchAsync"/> into a fresh
/// real SQLite store per iteration, in batches as a rebuild hands them over. Op/s is events per second.
/// Durable = synchronous FULL (the live store), otherwise NORMAL (the rebuild's file).
/// </summary>
[Config(typeof(ReplayConfig))]
public class ProjectionReplayBenchmarks
{
    public const int EventCount = 200_000;

    private IncidentLifeEvent[] _events = [];
    private string _directory = "";
    private IncidentFactsProjection? _projection;

    [Params(true, false)]
    public bool Durable { get; set; }

    [Params(5_000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = SyntheticCounty.Events(EventCount);
        Console.WriteLine($"// {_events.Length} events of {_events.Select(e => e.IncidentId).Distinct().Count()} incidents");
    }

    [IterationSetup]
    public void StartProjection()
    {
        _directory = Path.Combine(Path.GetTempPath(), "governance-analytics-bench", Guid.NewGuid().ToString("N"));
        _projection = Open(_directory, Durable);
        _projection.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<long> Replay()
    {
        await ReplayAsync(_projection!, _events, BatchSize);
        return _projection!.Current.Position;
    }

    [IterationCleanup]
    public void StopProjection()
    {
        var applied = _projection!.Current.Position;
        _projection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
        if (applied != _events[^1].Position)
        {
            throw new InvalidOperationException($"Replay reached position {applied}, not {_events[^1].Position}.");
        }
    }

    internal static IncidentFactsProjection Open(string directory, bool durable) => new(
        new SqliteAnalyticsStore(new SqliteAnalyticsStoreOptions
        {
            DatabasePath = Path.Combine(directory, SqliteAnalyticsStoreOptions.DatabaseFileName),
            LockPath = Path.Combine(directory, SqliteAnalyticsStoreOptions.LockFileName),
            Durable = durable,
        }),
        Options.Create(new AnalyticsOptions()), TimeProvider.System, NullLogger<IncidentFactsProjection>.Instance);

    /// <summary>Hands the events over in batches, keeping two in flight so one is being parsed while one commits.</summary>
    internal static async Task ReplayAsync(IncidentFactsProjection projection, IncidentLifeEvent[] events, int batchSize)
    {
        Task? previous = null;
        for (var offset = 0; offset < events.Length; offset += batchSize)
        {
            var batch = new ArraySegment<IncidentLifeEvent>(events, offset, Math.Min(batchSize, events.Length - offset));
            var next = projection.ApplyBatchAsync(batch, CancellationToken.None);
            if (previous is not null)
            {
                await previous;
            }
            previous = next;
        }
        if (previous is not null)
        {
            await previous;
        }
    }

    private sealed class ReplayConfig : ManualConfig
    {
        public ReplayConfig()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(StatisticColumn.OperationsPerSecond);
            ArtifactsPath = Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");
        }
    }
}

/// <summary>
/// The rate engine over a county-year (800,000 incidents) held as the projection holds it (an IncidentTable). Each
/// operation is one query: a whole sheet, a ranking or a trend.
/// </summary>
[Config(typeof(EngineConfig))]
[MemoryDiagnoser]
public class RateEngineBenchmarks
{
    public const int IncidentCount = 800_000;

    private IncidentTable _table = IncidentTable.Empty;
    private readonly DateTimeOffset _asOf = SyntheticCounty.YearEnd.AddDays(10);

    [GlobalSetup]
    public void Setup()
    {
        _table = Table(SyntheticCounty.Incidents(IncidentCount));
        var sheet = RateEngine.Compute(_table, new RateSlice(), _asOf);
        Console.WriteLine($"// {_table.Count} incidents; closure {sheet.Closure.Numerator}/{sheet.Closure.Denominator}, " +
            $"on time {sheet.OnTimeClosure.Numerator}, open {sheet.Open}");
    }

    internal static IncidentTable Table(IncidentFacts[] incidents)
    {
        var builder = IncidentTable.Empty.ToBuilder();
        foreach (var incident in incidents)
        {
            builder.Add(incident);
        }
        return builder.ToTable();
    }

    [Benchmark(Baseline = true)]
    public RateSheet Compute_CountyYear() => RateEngine.Compute(_table, new RateSlice(), _asOf);

    [Benchmark]
    public RateSheet Compute_TownshipDepartmentMonth() => RateEngine.Compute(_table,
        new RateSlice($"{SyntheticCounty.County}007", "dept-05", From: SyntheticCounty.YearStart.AddMonths(5), To: SyntheticCounty.YearStart.AddMonths(6)),
        _asOf);

    [Benchmark]
    public int Rank_GridsByOnTimeClosure() =>
        RateEngine.Rank(_table, new RateSlice(), RankingDimension.Grid, RateKind.OnTimeClosure, 0, _asOf).Count;

    [Benchmark]
    public int Rank_DepartmentsByDisposal() =>
        RateEngine.Rank(_table, new RateSlice(), RankingDimension.Department, RateKind.Disposal, 0, _asOf).Count;

    [Benchmark]
    public int Trend_DaysOfTheYear() =>
        RateEngine.Trend(_table, new RateSlice(From: SyntheticCounty.YearStart, To: SyntheticCounty.YearEnd), TrendPeriod.Day, _asOf).Count;

    private sealed class EngineConfig : ManualConfig
    {
        public EngineConfig()
        {
            AddJob(Job.ShortRun);
            AddColumn(StatisticColumn.OperationsPerSecond);
            ArtifactsPath = Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");
        }
    }
}
