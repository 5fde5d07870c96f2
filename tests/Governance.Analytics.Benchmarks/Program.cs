using System.Diagnostics;
using BenchmarkDotNet.Running;
using Governance.Analytics.Benchmarks;
using Governance.Analytics.Rates;

// "quick" times replay and Compute a few times with a stopwatch (a minute, not BenchmarkDotNet's many);
// "compute" sets one Compute over a county-year beside what bounds it (walking the table, walking every timestamp of
// the protobuf facts, the percentiles alone), to see where its time goes;
// anything else goes to BenchmarkDotNet (e.g. --filter '*').
if (args is ["compute", ..])
{
    var incidents = RateEngineBenchmarks.Table(SyntheticCounty.Incidents(RateEngineBenchmarks.IncidentCount));
    var when = SyntheticCounty.YearEnd.AddDays(10);
    for (var run = 0; run < 8; run++)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        RateEngine.Compute(incidents, new RateSlice(), when);
        var compute = watch.Elapsed.TotalMilliseconds;
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        watch.Restart();
        var touched = 0L;
        foreach (var incident in incidents)
        {
            touched += incident.ReportedAt.Seconds + incident.Assignments.Count;
        }
        var walk = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        foreach (var incident in incidents)
        {
            touched += incident.ReportedAt.Seconds + (incident.ClosedAt?.Seconds ?? 0) + (incident.HandleDeadline?.Seconds ?? 0)
                + (incident.FirstDispatchedAt?.Seconds ?? 0) + (incident.HandleWarningAt?.Seconds ?? 0);
            foreach (var a in incident.Assignments)
            {
                touched += a.DispatchedAt.Seconds + (a.AcceptedAt?.Seconds ?? 0) + (a.HandledAt?.Seconds ?? 0) + (a.SignDeadline?.Seconds ?? 0)
                    + (a.HandleDeadline?.Seconds ?? 0) + (a.ReturnedAt?.Seconds ?? 0);
            }
            foreach (var v in incident.Verifications)
            {
                touched += v.At.Seconds;
            }
        }
        Console.WriteLine($"full walk {watch.Elapsed.TotalMilliseconds:F1} ms; heap {GC.GetTotalMemory(false) / 1024 / 1024} MiB");
        var random = new Random(run);
        var samples = new DurationSamples();
        for (var i = 0; i < 750_000; i++)
        {
            samples.Add(random.NextInt64(0, 10_000_000_000_000));
        }
        watch.Restart();
        samples.ToStats();
        Console.WriteLine($"compute {compute:F1} ms, {bytes / 1024} KiB allocated; a bare walk {walk:F1} ms ({touched % 7}); " +
            $"median + p90 of 750,000 durations {watch.Elapsed.TotalMilliseconds:F1} ms");
    }
    return;
}

if (args is ["quick", ..])
{
    var events = SyntheticCounty.Events(ProjectionReplayBenchmarks.EventCount);
    foreach (var durable in new[] { true, false })
    {
        for (var run = 0; run < 3; run++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "governance-analytics-bench", Guid.NewGuid().ToString("N"));
            var projection = ProjectionReplayBenchmarks.Open(directory, durable);
            await projection.StartAsync(CancellationToken.None);
            var watch = Stopwatch.StartNew();
            await ProjectionReplayBenchmarks.ReplayAsync(projection, events, 5_000);
            var elapsed = watch.Elapsed;
            await projection.DisposeAsync();
            var size = new FileInfo(Path.Combine(directory, "analytics.db")).Length;
            Directory.Delete(directory, recursive: true);
            Console.WriteLine($"replay ({(durable ? "FULL" : "NORMAL")}) run {run}: {events.Length} events in {elapsed.TotalMilliseconds:F0} ms = " +
                $"{events.Length / elapsed.TotalSeconds:N0} events/s; {projection.Current.Incidents.Count} incidents, {size / 1024 / 1024} MiB");
        }
    }

    var table = RateEngineBenchmarks.Table(SyntheticCounty.Incidents(RateEngineBenchmarks.IncidentCount));
    var asOf = SyntheticCounty.YearEnd.AddDays(10);
    for (var run = 0; run < 5; run++)
    {
        var watch = Stopwatch.StartNew();
        var sheet = RateEngine.Compute(table, new RateSlice(), asOf);
        Console.WriteLine($"compute run {run}: {table.Count} incidents in {watch.Elapsed.TotalMilliseconds:F1} ms " +
            $"(closure {sheet.Closure.Numerator}/{sheet.Closure.Denominator})");
    }
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ProjectionReplayBenchmarks).Assembly).Run(args);
