using System.Runtime.CompilerServices;
using System.Text.Json;
using Governance.Testing;
using Xunit;

namespace Governance.Grpc.Tests.Support;

/// <summary>
/// Runs interop/client.js (@grpc/grpc-js) against the test server through <see cref="NodeScript"/>.
/// </summary>
public sealed class NodeInteropFixture : IAsyncLifetime
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(30);

    public string InteropDirectory { get; } = FindInteropDirectory();

    public string EchoProto => Path.Combine(InteropDirectory, "..", "Protos", "echo.proto");

    public string ProtoRoot => Path.Combine(InteropDirectory, "..", "..", "..", "proto");

    public Task InitializeAsync() => NodeScript.EnsureInstalledAsync(InteropDirectory, "@grpc/grpc-js");

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Runs one scenario and returns the JSON line the script printed. When <paramref name="beforeSignal"/> is given,
    /// a line is written to the script's stdin once it completes (the cancel scenario waits for that).
    /// </summary>
    public async Task<JsonElement> RunScenarioAsync(string scenario, int port, string callId = "", Func<Task>? beforeSignal = null)
    {
        var (exitCode, stdout, stderr) = await NodeScript.RunAsync(
            InteropDirectory,
            "node",
            ["client.js", scenario, $"127.0.0.1:{port}", EchoProto, ProtoRoot, callId],
            ScenarioTimeout,
            beforeSignal);
        Assert.True(exitCode == 0, $"node client.js {scenario} exited with {exitCode}:\n{stdout}\n{stderr}");
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single();
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static string FindInteropDirectory([CallerFilePath] string sourceFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "interop"));
}
