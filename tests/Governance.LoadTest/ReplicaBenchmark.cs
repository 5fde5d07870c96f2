using Governance.Security;
using Governance.Testing;

namespace Governance.LoadTest;

/// <summary>
/// Durable reports per second of the incident service as a cluster runs it: the same closed-loop load against one
/// Governance.Incidents.Host process on SQLite, one on PostgreSQL, and two on one PostgreSQL database with the callers
/// split between them. Each host is a child process built in this configuration; PostgreSQL is a throwaway server
/// from apt's binaries (as in the tests), a fresh database per run. One run each, in that order, on this machine, so
/// the load generator and every server share its cores.
/// </summary>
internal static class ReplicaBenchmark
{
    public const string Usage = "replicas [seconds=20] [concurrency=64]";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
        var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
        if (TestPostgres.SkipReason is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 2;
        }
        var server = await TestPostgres.GetAsync();
        var results = new List<(string Name, ClosedLoopLoad.LoadResult Result)>();
        var folder = Path.Combine(Path.GetTempPath(), "governance-replicas-" + Guid.NewGuid().ToString("N"));
        try
        {
            results.Add(("SQLite, 1 process", await RunOneAsync(folder, "sqlite", 1, null, seconds, concurrency)));
            var one = await server.CreateDatabaseAsync();
            results.Add(("PostgreSQL, 1 replica", await RunOneAsync(folder, "pg1", 1, one, seconds, concurrency)));
            await server.DropDatabaseAsync(one);
            var two = await server.CreateDatabaseAsync();
            results.Add(("PostgreSQL, 2 replicas", await RunOneAsync(folder, "pg2", 2, two, seconds, concurrency)));
            await server.DropDatabaseAsync(two);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        Console.WriteLine();
        Console.WriteLine($"| store | durable reports/s | p50 ms | p99 ms | errors |  ({concurrency} callers, {seconds} s)");
        foreach (var (name, r) in results)
        {
            Console.WriteLine($"| {name} | {r.CallsPerSecond:F0} | {r.P50:F1} | {r.P99:F1} | {r.Errors} |");
        }
        return results.All(r => r.Result.Errors == 0) ? 0 : 1;
    }

    private static async Task<ClosedLoopLoad.LoadResult> RunOneAsync(
        string root, string name, int replicas, string? connectionString, double seconds, int concurrency)
    {
        var keyFile = Path.Combine(root, name, "signing-key.pem");
        using var key = DevelopmentSigningKey.LoadOrCreate(keyFile, out _);
        var processes = new List<ServiceProcess>();
        try
        {
            for (var i = 0; i < replicas; i++)
            {
                // One at a time: the first seeds the demo county, the next finds it seeded.
                processes.Add(await ServiceProcess.StartAsync("Governance.Incidents.Host", $"{name}-{i + 1}",
                [
                    $"--Incidents:DataDirectory={Path.Combine(root, name, $"replica-{i + 1}")}",
                    $"--Auth:SigningKeyFile={keyFile}",
                    "--PubSub:Mode=Embedded",
                    "--Logging:LogLevel:Default=Warning",
                    .. connectionString is null
                        ? (string[])[]
                        : ["--Incidents:Store:Provider=Postgres", $"--Incidents:Store:ConnectionString={connectionString}"],
                ], timeout: TimeSpan.FromMinutes(5)));
            }
            Console.WriteLine($"== {name}: {replicas} process(es) on {(connectionString is null ? "SQLite" : "PostgreSQL")}");
            return await ClosedLoopLoad.RunLoadAsync([.. processes.Select(p => p.GrpcAddress)], new DevelopmentTokenIssuer(key), concurrency, seconds);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }
}
