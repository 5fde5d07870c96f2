using System.Diagnostics;
using System.Globalization;
using Governance.EventStore;

// crash <db> <workers>: appends until killed; prints "ack <stream> <version> <event-id>" only after
//   each append is acknowledged, so whoever kills it knows exactly what must have survived.
// contend <db> <stream> <count>: appends <count> events to one stream shared with other processes,
//   re-reading the version and retrying on every conflict; prints "ack <version> <event-id>" per append.
// bench <db> <appenders> <seconds> [normal] [nocache] [v7] [size=<bytes>]: durable append throughput;
//   v7 uses time-ordered event ids (Guid.CreateVersion7) instead of random ones.
// bench-postgres <connection string> <appenders> <seconds>: the same load on PostgresEventStore (an empty database).
return args switch
{
    ["crash", var db, var workers] => await CrashAsync(db, int.Parse(workers, CultureInfo.InvariantCulture)),
    ["contend", var db, var stream, var count] => await ContendAsync(db, stream, int.Parse(count, CultureInfo.InvariantCulture)),
    ["bench", var db, var appenders, var seconds, .. var flags] => await BenchAsync(db, int.Parse(appenders, CultureInfo.InvariantCulture), double.Parse(seconds, CultureInfo.InvariantCulture), flags),
    ["bench-postgres", var connection, var appenders, var seconds] => await BenchPostgresAsync(connection, int.Parse(appenders, CultureInfo.InvariantCulture), double.Parse(seconds, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: crash <db> <workers> | contend <db> <stream> <count> | bench <db> <appenders> <seconds> [normal] [nocache] [v7] [size=<bytes>]"
        + " | bench-postgres <connection string> <appenders> <seconds>");
    return 2;
}

static async Task<int> CrashAsync(string db, int workers)
{
    await using var store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = db });
    await store.InitializeAsync();
    Console.Out.WriteLine("ready");
    await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        var stream = $"probe-{w}";
        var version = await store.GetStreamVersionAsync(stream);
        var payload = new byte[300];
        while (true)
        {
            var id = Guid.NewGuid();
            Random.Shared.NextBytes(payload);
            version = (await store.AppendAsync(stream, version, [new EventData(id, "ProbeAppended", payload)])).NextExpectedVersion;
            Console.Out.WriteLine($"ack {stream} {version} {id}");
        }
    })));
    return 0;
}

static async Task<int> ContendAsync(string db, string stream, int count)
{
    await using var store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = db });
    await store.InitializeAsync();
    var conflicts = 0;
    for (var i = 0; i < count; i++)
    {
        var e = new EventData(Guid.NewGuid(), "ProbeContended", new byte[64]);
        while (true)
        {
            var version = await store.GetStreamVersionAsync(stream);
            try
            {
                var result = await store.AppendAsync(stream, version, [e]);
                Console.Out.WriteLine($"ack {result.NextExpectedVersion} {e.EventId}");
                break;
            }
            catch (WrongExpectedVersionException)
            {
                conflicts++;
            }
        }
    }

    Console.Out.WriteLine($"done {conflicts}");
    return 0;
}

static async Task<int> BenchAsync(string db, int appenders, double seconds, string[] flags)
{
    var size = flags.Where(f => f.StartsWith("size=", StringComparison.Ordinal)).Select(f => int.Parse(f[5..], CultureInfo.InvariantCulture)).DefaultIfEmpty(300).First();
    var options = new SqliteEventStoreOptions
    {
        DataSource = db,
        Durable = !flags.Contains("normal"),
        CacheStreamVersions = !flags.Contains("nocache"),
    };
    await using var store = new SqliteEventStore(options);
    await store.InitializeAsync();

    var timeOrderedIds = flags.Contains("v7");
    var (total, elapsed, p50, p99) = await RunAppendersAsync(store, appenders, seconds, size, timeOrderedIds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"appenders={appenders} durable={options.Durable} cache={options.CacheStreamVersions} v7={timeOrderedIds} size={size} appends={total} seconds={elapsed:F1} " +
        $"appends/s={total / elapsed:F0} transactions={store.TransactionsCommitted} appends/transaction={(double)store.AppendsCommitted / Math.Max(1, store.TransactionsCommitted):F1} " +
        $"p50={p50:F2}ms p99={p99:F2}ms"));
    return 0;
}

static async Task<int> BenchPostgresAsync(string connection, int appenders, double seconds)
{
    await using var store = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connection });
    await store.InitializeAsync();
    var (total, elapsed, p50, p99) = await RunAppendersAsync(store, appenders, seconds, 300, timeOrderedIds: false);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"postgres appenders={appenders} size=300 appends={total} seconds={elapsed:F1} appends/s={total / elapsed:F0} p50={p50:F2}ms p99={p99:F2}ms"));
    return 0;
}

// Each appender owns a few streams and rotates through them, like commands to different entities.
static async Task<(int Total, double Seconds, double P50, double P99)> RunAppendersAsync(IEventStore store, int appenders, double seconds, int size, bool timeOrderedIds)
{
    var payload = new byte[size];
    Random.Shared.NextBytes(payload);
    var latencies = new List<double>[appenders];
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
    {
        var mine = latencies[a] = [];
        var versions = new long[8];
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var s = n % versions.Length;
            var started = Stopwatch.GetTimestamp();
            var result = await store.AppendAsync($"bench-{a}x{s}", versions[s], [new EventData(timeOrderedIds ? Guid.CreateVersion7() : Guid.NewGuid(), "BenchAppended", payload)]);
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            versions[s] = result.NextExpectedVersion;
        }
    })));
    clock.Stop();

    var all = latencies.SelectMany(l => l).Order().ToArray();
    return (all.Length, clock.Elapsed.TotalSeconds, all[all.Length / 2], all[(int)(all.Length * 0.99)]);
}
