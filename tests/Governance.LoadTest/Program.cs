using Governance.LoadTest;

// Usage, from the repository root:
//   dotnet run -c Release --project tests/Governance.LoadTest -- [address] [concurrency] [seconds] [data folder]
//     closed-loop ReportIncident throughput against a host already running at the address (ClosedLoopLoad).
return args switch
{
    ["help" or "-h" or "--help", ..] => Help(),
    _ => await ClosedLoopLoad.RunAsync(args),
};

static int Help()
{
    Console.WriteLine($"usage: {ClosedLoopLoad.Usage}");
    return 0;
}
