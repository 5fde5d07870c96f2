using System.Diagnostics;

namespace Governance.Testing;

/// <summary>
/// Runs a Node script of a test's interop folder (a real third-party client such as @grpc/grpc-js), installing the
/// folder's pinned packages with `npm ci` first when node_modules is absent, so a fresh clone works.
/// No process outlives its call.
/// </summary>
public static class NodeScript
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static async Task EnsureInstalledAsync(string directory, string probePackage)
    {
        await InstallGate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(directory, "node_modules", probePackage)))
            {
                return;
            }
            var (exitCode, stdout, stderr) = await RunAsync(directory, "npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {directory} failed with exit code {exitCode}:\n{stdout}\n{stderr}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="directory"/>. When
    /// <paramref name="beforeSignal"/> is given, a line is written to the process's stdin once it completes.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string directory, string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, Func<Task>? beforeSignal = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
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
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
