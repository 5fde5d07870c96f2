using Governance.LoadTest;

// Usage, from the repository root:
//   dotnet run -c Release --project tests/Governance.LoadTest -- [address] [concurrency] [seconds] [data folder]
//     closed-loop ReportIncident throughput against a host already running at the address (ClosedLoopLoad);
//   dotnet run -c Release --project tests/Governance.LoadTest -- freshness [rate=1000] [seconds=30] [warm-up seconds=10] [--Section:Key=value ...]
//     report -> rates-visible latency under a steady open-loop report rate, the host in this process (FreshnessBenchmark);
//   dotnet run -c Release --project tests/Governance.LoadTest -- replay [incidents=30000] [data folder] [runs=3]
//     analytics replay throughput from a real incident log, made first unless the folder holds one (ReplayBenchmark);
//   dotnet run -c Release --project tests/Governance.LoadTest -- replicas [seconds=20] [concurrency=64]
//     durable reports/s of Governance.Incidents.Host processes: SQLite, PostgreSQL with 1 and with 2 replicas (ReplicaBenchmark).
return args switch
{
    ["freshness", .. var rest] => await FreshnessBenchmark.RunAsync(rest),
    ["replay", .. var rest] => await ReplayBenchmark.RunAsync(rest),
    ["replicas", .. var rest] => await ReplicaBenchmark.RunAsync(rest),
    ["help" or "-h" or "--help", ..] => Help(),
    _ => await ClosedLoopLoad.RunAsync(args),
};

static int Help()
{
    Console.WriteLine($"usage: {ClosedLoopLoad.Usage}\n       {FreshnessBenchmark.Usage}\n       {ReplayBenchmark.Usage}\n       {ReplicaBenchmark.Usage}");
    return 0;
}
