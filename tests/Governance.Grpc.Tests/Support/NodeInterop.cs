using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Xunit;

namespace Governance.Grpc.Tests.Support;

/// <summary>
/// Runs interop/client.js (@grpc/grpc-js) against the test server. Installs the pinned packages with `npm ci`
/// when node_modules is absent, so a fresh clone works.
/// </summary>
public sealed class NodeInteropFixture : IAsyncLifetime
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(30);

    public string InteropDirectory { get; } = FindInteropDirectory();

    public string EchoProto => Path.Combine(InteropDirectory, "..", "Protos", "echo.proto");

    public string ProtoRoot => Path.Combine(InteropDirectory, "..", "..", "..", "proto");

    public async Task InitializeAsync()
    {
        if (Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "@grpc", "grpc-js")))
        {
            return;
        }

        var (exitCode, stdout, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed with exit code {exitCode}:\n{stdout}\n{stderr}");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Runs one scenario and returns the JSON line the script printed. When <paramref name="beforeSignal"/> is given,
    /// a line is written to the script's stdin once it completes (the cancel scenario waits for that).
    /// </summary>
    public async Task<JsonElement> RunScenarioAsync(string scenario, int port, string callId = "", Func<Task>? beforeSignal = null)
    {
        var (exitCode, stdout, stderr) = await RunAsync(
            "node",
            ["client.js", scenario, $"127.0.0.1:{port}", EchoProto, ProtoRoot, callId],
            ScenarioTimeout,
            beforeSignal);
        Assert.True(exitCode == 0, $"node client.js {scenario} exited with {exitCode}:\n{stdout}\n{stderr}");
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single();
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string fileName, string[] arguments, TimeSpan timeout, Func<Task>? beforeSignal = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            if (beforeSignal is not null)
            {
                await beforeSignal().WaitAsync(cts.Token);
                await process.StandardInput.WriteLineAsync("go");
                await process.StandardInput.FlushAsync(cts.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:F0} s.");
        }
        finally
        {
            // Whatever went wrong, no node process outlives its test.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindInteropDirectory([CallerFilePath] string sourceFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "interop"));
}
