using System.Collections.Concurrent;
using Google.Protobuf;
using Governance.Grpc.Tests.Echo;

namespace Governance.Grpc.Tests.Support;

/// <summary>An application exception the test server maps to FAILED_PRECONDITION through an exception mapper.</summary>
public sealed class VersionConflictException(long currentVersion) : Exception("The entity changed since it was read.")
{
    public long CurrentVersion { get; } = currentVersion;
}

/// <summary>What the server saw of each call, keyed by the request's call_id, for tests to assert on.</summary>
public sealed class CallProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();

    public ConcurrentDictionary<string, (string Method, string Peer, DateTimeOffset? Deadline)> Contexts { get; } = new();

    /// <summary>The request headers each call arrived with, every value of a name joined by ", ".</summary>
    public ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Headers { get; } = new();

    public TaskCompletionSource Started(string callId)
        => _started.GetOrAdd(callId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public TaskCompletionSource Cancelled(string callId)
        => _cancelled.GetOrAdd(callId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Waits until the handler of the call observed its cancellation; false if it did not within the time.</summary>
    public async Task<bool> WaitForCancellationAsync(string callId, TimeSpan within)
    {
        var task = Cancelled(callId).Task;
        return await Task.WhenAny(task, Task.Delay(within)) == task;
    }
}

/// <summary>The test service. Registered as a singleton, as stateless services should be.</summary>
public sealed class EchoServiceImpl(CallProbe probe)
{
    public const string NonAsciiMessage = "参数错误: 纬度超出范围";

    public Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        if (request.CallId.Length > 0)
        {
            probe.Contexts[request.CallId] = (context.Method, context.Peer, context.Deadline);
            probe.Headers[request.CallId] = context.RequestHeaders.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        }

        var payload = request.ResponseSize > 0
            ? ByteString.CopyFrom(new byte[request.ResponseSize])
            : request.Payload;
        return Task.FromResult(new EchoResponse { Text = request.Text, Payload = payload });
    }

    public Task<EchoResponse> Fail(EchoRequest request, ServerCallContext context)
    {
        context.SetResponseTrailer("call-trailer", "from-context");
        throw new RpcException((StatusCode)request.Status, request.Text)
        {
            Trailers = { ["current-version"] = "42" },
        };
    }

    public async Task<EchoResponse> Slow(EchoRequest request, ServerCallContext context)
    {
        probe.Started(request.CallId).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Cancelled(request.CallId).TrySetResult();
            throw;
        }

        return new EchoResponse();
    }

    public Task<EchoResponse> Crash(EchoRequest request, ServerCallContext context)
        => throw new InvalidOperationException("secret internal detail " + request.Text);

    public Task<EchoResponse> Conflict(EchoRequest request, ServerCallContext context)
        => throw new VersionConflictException(7);

    public async Task Stream(EchoRequest request, IServerStreamWriter<EchoResponse> writer, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            if (request.FailAfter > 0 && i == request.FailAfter)
            {
                throw new RpcException(StatusCode.Aborted, NonAsciiMessage);
            }

            await writer.WriteAsync(new EchoResponse { Text = request.Text, Index = i }, context.CancellationToken);
        }
    }

    public async Task SlowStream(EchoRequest request, IServerStreamWriter<EchoResponse> writer, ServerCallContext context)
    {
        await writer.WriteAsync(new EchoResponse { Text = request.Text, Index = 0 });
        probe.Started(request.CallId).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Cancelled(request.CallId).TrySetResult();
            throw;
        }
    }
}
