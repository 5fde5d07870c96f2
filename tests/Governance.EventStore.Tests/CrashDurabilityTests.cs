using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Governance.EventStore.Tests;

/// <summary>
/// Kills a writer process with SIGKILL in the middle of appending and checks that every append it
/// had acknowledged is in the file. (A kill leaves the OS page cache intact, so this proves the
/// commit protocol, not the fsync itself; synchronous=FULL is what covers a power cut.)
/// </summary>
public sealed class CrashDurabilityTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Every_acknowledged_append_survives_a_kill_9_of_the_writer_process()
    {
        var acknowledged = new List<(string Stream, long Version, Guid EventId)>();
        var kills = 0;
        // Several rounds, killed at different points: each process reopens a file left behind by a
        // killed one (WAL recovery) and must carry on from the versions that survived.
        foreach (var acks in new[] { 1500, 300, 2500 })
        {
            acknowledged.AddRange(await RunProbeUntilKilledAsync(minimumAcks: acks));
            kills++;
        }

        await using var store = _database.OpenStore();
        await store.InitializeAsync();
        var streams = acknowledged.GroupBy(a => a.Stream).ToArray();
        foreach (var stream in streams)
        {
            var stored = (await store.ReadStreamAsync(stream.Key)).ToDictionary(e => e.Version, e => e.EventId);
            foreach (var ack in stream)
            {
                Assert.True(stored.TryGetValue(ack.Version, out var id), $"{ack.Stream} version {ack.Version} was acknowledged but is missing");
                Assert.Equal(ack.EventId, id);
            }

            // No holes: versions run 1..n even where the last append was in flight at the kill.
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(v => (long)v), stored.Keys.Order());
        }

        var log = await store.ReadAllAsync(0, int.MaxValue);
        Assert.True(log.Zip(log.Skip(1)).All(p => p.First.Position < p.Second.Position));
        output.WriteLine($"{kills} kills, {acknowledged.Count} acknowledged appends, {log.Count} events in the file");
    }

    private async Task<List<(string Stream, long Version, Guid EventId)>> RunProbeUntilKilledAsync(int minimumAcks)
    {
        var start = new ProcessStartInfo(CrashProbe.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CrashProbe.Path());
        start.ArgumentList.Add("crash");
        start.ArgumentList.Add(_database.Path);
        start.ArgumentList.Add("8");

        var acks = new List<(string, long, Guid)>();
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (acks.Count < minimumAcks)
            {
                var line = await process.StandardOutput.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException($"The probe exited early: {await errors}");
                var parts = line.Split(' ');
                if (parts is ["ack", var stream, var version, var id])
                {
                    acks.Add((stream, long.Parse(version, System.Globalization.CultureInfo.InvariantCulture), Guid.Parse(id)));
                }
            }
        }
        finally
        {
            // SIGKILL, mid-stream: the probe gets no chance to finish or flush anything.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return acks;
    }
}
