using System.Text.Json;
using Governance.Grpc.Tests.Support;
using Xunit;

namespace Governance.Grpc.Tests;

/// <summary>The server against @grpc/grpc-js, a client we did not write, loading the same .proto files.</summary>
[Collection(GrpcServerCollection.Name)]
public sealed class NodeInteropTests(GrpcServerFixture server, NodeInteropFixture node) : IClassFixture<NodeInteropFixture>
{
    private static readonly TimeSpan CancellationWait = TimeSpan.FromSeconds(10);

    private Task<JsonElement> Run(string scenario, string callId = "", Func<Task>? beforeSignal = null)
        => node.RunScenarioAsync(scenario, server.Port, callId, beforeSignal);

    [Fact]
    public async Task GrpcJs_UnaryEcho_Succeeds()
    {
        var callId = Guid.NewGuid().ToString();

        var result = await Run("echo", callId);

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal("hello from grpc-js", result.GetProperty("text").GetString());
        Assert.Equal("/governance.testing.v1.EchoService/Echo", server.Probe.Contexts[callId].Method);
    }

    [Fact]
    public async Task GrpcJs_GzipCompressedRequest_Succeeds()
    {
        var result = await Run("gzip");

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal(string.Concat(Enumerable.Repeat("compressible ", 500)), result.GetProperty("text").GetString());
    }

    [Fact]
    public async Task GrpcJs_ErrorWithNonAsciiMessage_ArrivesWithStatusMessageAndTrailers()
    {
        var result = await Run("error");

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal((int)StatusCode.InvalidArgument, result.GetProperty("code").GetInt32());
        Assert.Equal(EchoServiceImpl.NonAsciiMessage, result.GetProperty("details").GetString());
        Assert.Equal("42", result.GetProperty("trailers").GetProperty("current-version").GetString());
    }

    [Fact]
    public async Task GrpcJs_Deadline_GivesDeadlineExceededAndCancelsTheHandler()
    {
        var callId = Guid.NewGuid().ToString();

        var result = await Run("deadline", callId);

        Assert.Equal((int)StatusCode.DeadlineExceeded, result.GetProperty("code").GetInt32());
        Assert.True(await server.Probe.WaitForCancellationAsync(callId, CancellationWait), "the server handler never saw cancellation");
    }

    [Fact]
    public async Task GrpcJs_CallCancel_CancelsTheHandler()
    {
        var callId = Guid.NewGuid().ToString();

        var result = await Run("cancel", callId, beforeSignal: () => server.Probe.Started(callId).Task);

        Assert.Equal((int)StatusCode.Cancelled, result.GetProperty("code").GetInt32());
        Assert.True(await server.Probe.WaitForCancellationAsync(callId, CancellationWait), "the server handler never saw cancellation");
    }

    [Fact]
    public async Task GrpcJs_ServerStream_DeliversAllMessagesInOrder()
    {
        var result = await Run("stream");

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal([0, 1, 2, 3, 4], result.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task GrpcJs_ServerStreamFailingMidway_DeliversTheFirstMessagesThenTheError()
    {
        var result = await Run("stream-error");

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal((int)StatusCode.Aborted, result.GetProperty("code").GetInt32());
        Assert.Equal(EchoServiceImpl.NonAsciiMessage, result.GetProperty("details").GetString());
        Assert.Equal([0, 1], result.GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task GrpcJs_UnknownMethod_GetsUnimplemented()
    {
        var result = await Run("unknown");

        Assert.Equal((int)StatusCode.Unimplemented, result.GetProperty("code").GetInt32());
        Assert.Contains("NoSuchMethod", result.GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcJs_HealthCheck_IsServing()
    {
        var result = await Run("health");

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal("SERVING", result.GetProperty("status").GetString());
    }
}
