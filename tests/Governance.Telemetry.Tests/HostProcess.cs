using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Governance.Testing;

namespace Governance.Telemetry.Tests;

/// <summary>
/// A Governance host started as a process of its own (<c>dotnet {project}.dll</c>, built in this test's configuration),
/// with its settings as command-line arguments and its OTEL_* settings as environment variables, as a cluster passes
/// them. It is ready once it prints its "Governance {name} ready" line, which names the ports the OS chose. Dispose
/// kills it (and anything it started).
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<(Uri Grpc, Uri Http)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    public Uri GrpcAddress { get; private set; } = null!;

    public Uri HttpAddress { get; private set; } = null!;

    /// <summary>What the process wrote so far (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Where <paramref name="project"/>'s dll is, built in the configuration this test assembly was built in.</summary>
    public static string AssemblyPath(string project)
    {
        var configuration = typeof(HostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryPaths.Root, "services", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is not built; build the solution (or this test project, which depends on it) in {configuration} first.", path);
    }

    public static async Task<HostProcess> StartAsync(string project, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(AssemblyPath(project));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Nothing inherited may redirect the exports or the sidecar calls: not a collector the machine names, not a proxy.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)
            || k.Equals("HTTP_PROXY", StringComparison.OrdinalIgnoreCase) || k.Equals("HTTPS_PROXY", StringComparison.OrdinalIgnoreCase)
            || k.Equals("ALL_PROXY", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DAPR_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Take(e.Data);
        process.ErrorDataReceived += (_, e) => host.Take(e.Data);
        process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException(
            $"{project} exited with code {SafeExitCode(process)} before it was ready:{Environment.NewLine}{host.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var (grpc, http) = await host._ready.Task.WaitAsync(StartTimeout);
            host.GrpcAddress = grpc;
            host.HttpAddress = http;
            return host;
        }
        catch (TimeoutException)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"{project} did not say it was ready within {StartTimeout}:{Environment.NewLine}{host.Output}");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private void Take(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        if (ReadyLine().Match(line) is { Success: true } ready)
        {
            _ready.TrySetResult((new Uri(ready.Groups["grpc"].Value), new Uri(ready.Groups["http"].Value)));
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    [GeneratedRegex(@"^Governance \S+ ready\. gRPC \(h2c\): (?<grpc>\S+)\s+HTTP \(health: /health, /alive\): (?<http>\S+)")]
    private static partial Regex ReadyLine();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        _process.Dispose();
    }
}
