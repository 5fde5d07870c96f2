using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Governance.Testing;

/// <summary>
/// One of the service hosts (Governance.Incidents.Host, Governance.Analytics.Host) run as a real child process from
/// its build output, as a replica in a cluster runs: its own process, cache and locks. It listens on ports the OS
/// chooses; the addresses come from its "Governance {name} ready" line. Kill() ends it as a crash would.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<(Uri Grpc, Uri Http)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private ServiceProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public Uri GrpcAddress { get; private set; } = null!;

    public Uri HttpAddress { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far, for assertions and failure messages.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>The build output of a host project, in the configuration these tests were built in.</summary>
    public static string HostAssembly(string project)
    {
        // The tests run from tests/<project>/bin/<Configuration>/net10.0/.
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
        var path = Path.Combine(RepositoryPaths.Root, "services", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build the solution first.", path);
    }

    /// <summary>Starts the host with settings as command-line arguments and environment variables; waits until it listens.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string project, string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(HostAssembly(project));
        foreach (var argument in (string[])["--Ports:Grpc=0", "--Ports:Http=0", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        // Nothing inherited may redirect the exports or the sidecar calls: not a collector the machine names, not a proxy.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)
            || k.Equals("HTTP_PROXY", StringComparison.OrdinalIgnoreCase) || k.Equals("HTTPS_PROXY", StringComparison.OrdinalIgnoreCase)
            || k.Equals("ALL_PROXY", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DAPR_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The console logger writes one line per entry, so a test can wait for what the host says it does.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, name);
        process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        process.Exited += (_, _) => service._ready.TrySetException(
            new InvalidOperationException($"{name} exited before it listened:\n{string.Join('\n', service._output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var (grpc, http) = await service._ready.Task.WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
            service.GrpcAddress = grpc;
            service.HttpAddress = http;
            return service;
        }
        catch (TimeoutException)
        {
            await service.DisposeAsync();
            throw new TimeoutException($"{name} did not listen in time:\n{string.Join('\n', service._output)}");
        }
    }

    /// <summary>Completes with the first output line (already written or to come) that matches.</summary>
    public Task<string> WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_output.FirstOrDefault(match) is { } line)
            {
                return Task.FromResult(line);
            }
            _waiters.Add((match, seen));
        }
        return seen.Task.WaitAsync(timeout);
    }

    public bool HasWritten(Func<string, bool> match) => _output.Any(match);

    /// <summary>Ends the process at once (SIGKILL), as a crashed node or an OOM kill does.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        List<TaskCompletionSource<string>> matched = [];
        lock (_gate)
        {
            _output.Enqueue(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    matched.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }
        foreach (var seen in matched)
        {
            seen.TrySetResult(line);
        }
        if (ReadyLine().Match(line) is { Success: true } ready)
        {
            _ready.TrySetResult((new Uri(ready.Groups["grpc"].Value), new Uri(ready.Groups["http"].Value)));
        }
    }

    [GeneratedRegex(@"^Governance \S+ ready\. gRPC \(h2c\): (?<grpc>\S+)\s+HTTP \(health: /health, /alive\): (?<http>\S+)")]
    private static partial Regex ReadyLine();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }
}
