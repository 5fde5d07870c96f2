using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace Governance.EventStore.Tests;

/// <summary>Real separate processes (not just separate connections) writing one stream in one file.</summary>
public sealed class MultiProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Processes_contending_for_one_stream_lose_nothing_and_never_duplicate_a_version()
    {
        const int perWriter = 300;
        const string stream = "incident-contended";
        await using var store = _database.OpenStore();
        await store.InitializeAsync();

        var probes = Enumerable.Range(0, 2).Select(_ => RunContenderAsync(stream, perWriter)).ToArray();
        var local = new List<(long Version, Guid EventId)>();
        var localConflicts = 0;
        for (var i = 0; i < perWriter; i++)
        {
            var e = new EventData(Guid.NewGuid(), "LocalContended", new byte[64]);
            while (true)
            {
                var version = await store.GetStreamVersionAsync(stream);
                try
                {
                    local.Add(((await store.AppendAsync(stream, version, [e])).NextExpectedVersion, e.EventId));
                    break;
                }
                catch (WrongExpectedVersionException)
                {
                    localConflicts++;
                }
            }
        }

        var remote = await Task.WhenAll(probes);
        var acknowledged = remote.SelectMany(r => r.Acks).Concat(local).ToArray();
        var stored = await store.ReadStreamAsync(stream);

        Assert.Equal(3 * perWriter, acknowledged.Length);
        Assert.Equal(Enumerable.Range(1, 3 * perWriter).Select(v => (long)v), stored.Select(e => e.Version));
        Assert.Equal(acknowledged.OrderBy(a => a.Version), stored.Select(e => (e.Version, e.EventId)));
        output.WriteLine($"conflicts: local {localConflicts}, probes {string.Join(", ", remote.Select(r => r.Conflicts))}");
    }

    private async Task<(List<(long Version, Guid EventId)> Acks, int Conflicts)> RunContenderAsync(string stream, int count)
    {
        var start = new ProcessStartInfo(CrashProbe.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { CrashProbe.Path(), "contend", _database.Path, stream, count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var acks = new List<(long, Guid)>();
        var conflicts = -1;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                switch (line.Split(' '))
                {
                    case ["ack", var version, var id]:
                        acks.Add((long.Parse(version, CultureInfo.InvariantCulture), Guid.Parse(id)));
                        break;
                    case ["done", var n]:
                        conflicts = int.Parse(n, CultureInfo.InvariantCulture);
                        break;
                }
            }

            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0 && conflicts >= 0, $"contender failed (exit {process.ExitCode}): {await errors}");
        return (acks, conflicts);
    }
}
