using System.Diagnostics;
using Google.Protobuf;
using Governance.Grpc.Tests.Echo;
using Governance.Grpc.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Governance.Grpc.Tests;

[Collection(GrpcServerCollection.Name)]
public sealed class GrpcCallTests(GrpcServerFixture server, ITestOutputHelper output)
{
    private static readonly TimeSpan CancellationWait = TimeSpan.FromSeconds(10);

    private Task<EchoResponse> Unary(string method, EchoRequest request, CallOptions options = default, GrpcClient? client = null)
        => (client ?? server.Client).UnaryAsync<EchoRequest, EchoResponse>(GrpcServerFixture.Method(method), request, options);

    private IAsyncEnumerable<EchoResponse> Stream(string method, EchoRequest request, CallOptions options = default)
        => server.Client.ServerStreamingAsync<EchoRequest, EchoResponse>(GrpcServerFixture.Method(method), request, options);

    [Fact]
    public async Task GivenAnEchoRequest_WhenCalled_ThenTheResponseCarriesTheSameTextAndPayload()
    {
        var reply = await Unary("Echo", new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("bytes") });

        Assert.Equal("hello", reply.Text);
        Assert.Equal("bytes", reply.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task GivenADeadline_WhenCalled_ThenTheHandlerSeesMethodPeerAndDeadline()
    {
        var callId = Guid.NewGuid().ToString();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);

        await Unary("Echo", new EchoRequest { CallId = callId }, new CallOptions(Deadline: deadline));

        var seen = server.Probe.Contexts[callId];
        Assert.Equal("/governance.testing.v1.EchoService/Echo", seen.Method);
        Assert.StartsWith("ipv4:127.0.0.1:", seen.Peer, StringComparison.Ordinal);
        Assert.NotNull(seen.Deadline);
        Assert.InRange(seen.Deadline!.Value, deadline.AddSeconds(-5), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task GivenDefaultAndPerCallMetadata_WhenCalled_ThenTheHandlerSeesBothAndThePerCallValueWins()
    {
        var callId = Guid.NewGuid().ToString();
        var client = new GrpcClient(server.HttpClient)
        {
            DefaultHeaders = new Dictionary<string, string> { ["authorization"] = "Bearer default", ["x-client"] = "tests/1.0" },
        };

        await Unary("Echo", new EchoRequest { CallId = callId },
            new CallOptions(Headers: new Dictionary<string, string> { ["Authorization"] = "Bearer per-call", ["x-trace"] = "abc" }), client);

        var headers = server.Probe.Headers[callId];
        Assert.Equal("Bearer per-call", headers["authorization"]);
        Assert.Equal("tests/1.0", headers["x-client"]);
        Assert.Equal("abc", headers["x-trace"]);
    }

    [Theory]
    [InlineData("grpc-timeout", "1S")]
    [InlineData("content-type", "text/plain")]
    [InlineData("bad name", "value")]
    [InlineData("x-note", "第一行")]
    public async Task GivenMetadataHttp2CannotCarryOrTheProtocolOwns_WhenCalled_ThenRefusedBeforeSending(string name, string value)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Unary("Echo", new EchoRequest(), new CallOptions(Headers: new Dictionary<string, string> { [name] = value })));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<StatusCode> ErrorCodes()
    {
        var data = new TheoryData<StatusCode>();
        foreach (var code in Enum.GetValues<StatusCode>().Where(c => c != StatusCode.OK))
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ErrorCodes))]
    public async Task GivenAHandlerThrowingRpcException_WhenCalled_ThenStatusAndNonAsciiMessageRoundTrip(StatusCode code)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Fail", new EchoRequest { Status = (int)code, Text = EchoServiceImpl.NonAsciiMessage }));

        Assert.Equal(code, ex.StatusCode);
        Assert.Equal(EchoServiceImpl.NonAsciiMessage, ex.Detail);
    }

    [Fact]
    public async Task GivenAMessageWithPercentAndNewline_WhenFailing_ThenTheMessageRoundTripsExactly()
    {
        const string text = "100% sure\nline two 🚀";

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Fail", new EchoRequest { Status = (int)StatusCode.InvalidArgument, Text = text }));

        Assert.Equal(text, ex.Detail);
    }

    [Fact]
    public async Task GivenTrailersOnTheExceptionAndContext_WhenFailing_ThenTheClientReceivesBoth()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Fail", new EchoRequest { Status = (int)StatusCode.Aborted, Text = "conflict" }));

        Assert.Equal("42", ex.Trailers["current-version"]);
        Assert.Equal("from-context", ex.Trailers["call-trailer"]);
    }

    [Fact]
    public async Task GivenAnUnmappedException_WhenCalled_ThenInternalWithAGenericMessageAndTheExceptionIsLogged()
    {
        var marker = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary("Crash", new EchoRequest { Text = marker }));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.DoesNotContain(marker, ex.Detail, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, e =>
            e.Level == LogLevel.Error && e.Exception is InvalidOperationException ioe && ioe.Message.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAnExceptionMapper_WhenTheHandlerThrowsADomainException_ThenTheMappedStatusAndTrailersArrive()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary("Conflict", new EchoRequest()));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("The entity changed since it was read.", ex.Detail);
        Assert.Equal("7", ex.Trailers["current-version"]);
    }

    [Fact]
    public async Task GivenADeadline_WhenTheHandlerIsSlow_ThenDeadlineExceededAndTheHandlerIsCancelled()
    {
        var callId = Guid.NewGuid().ToString();
        var stopwatch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Slow", new EchoRequest { CallId = callId }, new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(1))));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(10));
        Assert.True(await server.Probe.WaitForCancellationAsync(callId, CancellationWait), "the server handler never saw cancellation");
    }

    [Fact]
    public async Task GivenADeadlineAlreadyPassed_WhenCalling_ThenDeadlineExceededWithoutSending()
    {
        var callId = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Echo", new EchoRequest { CallId = callId }, new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.False(server.Probe.Contexts.ContainsKey(callId));
    }

    [Fact]
    public async Task GivenAClientCancellation_WhenTheHandlerIsSlow_ThenCancelledAndTheHandlerIsCancelled()
    {
        var callId = Guid.NewGuid().ToString();
        using var cts = new CancellationTokenSource();
        var call = Unary("Slow", new EchoRequest { CallId = callId }, new CallOptions(CancellationToken: cts.Token));
        await server.Probe.Started(callId).Task.WaitAsync(CancellationWait);

        cts.Cancel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.True(await server.Probe.WaitForCancellationAsync(callId, CancellationWait), "the server handler never saw cancellation");
    }

    [Fact]
    public async Task GivenAStreamOfN_WhenRead_ThenAllMessagesArriveInOrder()
    {
        var indexes = new List<int>();
        await foreach (var message in Stream("Stream", new EchoRequest { Text = "s", Count = 25 }))
        {
            Assert.Equal("s", message.Text);
            indexes.Add(message.Index);
        }

        Assert.Equal(Enumerable.Range(0, 25), indexes);
    }

    [Fact]
    public async Task GivenAStreamThatFailsMidway_WhenRead_ThenTheFirstMessagesArriveAndThenTheError()
    {
        var indexes = new List<int>();

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in Stream("Stream", new EchoRequest { Count = 10, FailAfter = 3 }))
            {
                indexes.Add(message.Index);
            }
        });

        Assert.Equal([0, 1, 2], indexes);
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal(EchoServiceImpl.NonAsciiMessage, ex.Detail);
    }

    [Fact]
    public async Task GivenAStream_WhenTheClientStopsReadingEarly_ThenTheServerHandlerIsCancelled()
    {
        var callId = Guid.NewGuid().ToString();
        await foreach (var message in Stream("SlowStream", new EchoRequest { CallId = callId, Text = "first" }))
        {
            Assert.Equal("first", message.Text);
            await server.Probe.Started(callId).Task.WaitAsync(CancellationWait);
            break;
        }

        Assert.True(await server.Probe.WaitForCancellationAsync(callId, CancellationWait), "the server handler never saw cancellation");
    }

    [Fact]
    public async Task GivenAStreamWithADeadline_WhenTheHandlerOutlivesIt_ThenDeadlineExceededAfterTheFirstMessage()
    {
        var callId = Guid.NewGuid().ToString();
        var received = 0;

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            var options = new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(1));
            await foreach (var unused in Stream("SlowStream", new EchoRequest { CallId = callId }, options))
            {
                received++;
            }
        });

        Assert.Equal(1, received);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(await server.Probe.WaitForCancellationAsync(callId, CancellationWait), "the server handler never saw cancellation");
    }

    [Fact]
    public async Task GivenALargeMessageUnderTheLimit_WhenEchoed_ThenItRoundTripsThroughManyDataFrames()
    {
        var payload = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(payload);

        var reply = await Unary("Echo", new EchoRequest { Payload = ByteString.CopyFrom(payload) });

        Assert.True(payload.AsSpan().SequenceEqual(reply.Payload.Span));
    }

    [Fact]
    public async Task GivenAMessageOverTheReceiveLimit_WhenSent_ThenResourceExhaustedAndTheServerKeepsServing()
    {
        var big = new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) };

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary("Echo", big));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var reply = await Unary("Echo", new EchoRequest { Text = "still here" });
        Assert.Equal("still here", reply.Text);
    }

    [Fact]
    public async Task GivenAResponseOverTheServerSendLimit_WhenCalled_ThenResourceExhausted()
    {
        var client = new GrpcClient(server.HttpClient) { MaxReceiveMessageSize = 64 * 1024 * 1024 };

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Echo", new EchoRequest { ResponseSize = GrpcServerFixture.MaxSendMessageSize + 1 }, client: client));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Sending message", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAResponseOverTheClientReceiveLimit_WhenCalled_ThenResourceExhausted()
    {
        var client = new GrpcClient(server.HttpClient) { MaxReceiveMessageSize = 1024 * 1024 };

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Echo", new EchoRequest { ResponseSize = 2 * 1024 * 1024 }, client: client));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Received message", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenARequestOverTheClientSendLimit_WhenCalled_ThenResourceExhaustedBeforeSending()
    {
        var client = new GrpcClient(server.HttpClient) { MaxSendMessageSize = 10 };
        var callId = Guid.NewGuid().ToString();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Echo", new EchoRequest { CallId = callId, Text = "longer than ten bytes" }, client: client));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.False(server.Probe.Contexts.ContainsKey(callId));
    }

    [Fact]
    public async Task GivenGzipCompressedRequests_WhenCalled_ThenTheServerDecompressesThem()
    {
        var client = new GrpcClient(server.HttpClient) { CompressRequests = true };
        var text = string.Concat(Enumerable.Repeat("compressible ", 1000));

        var reply = await Unary("Echo", new EchoRequest { Text = text }, client: client);

        Assert.Equal(text, reply.Text);
    }

    [Fact]
    public async Task GivenAnUnmappedService_WhenCalled_ThenUnimplemented()
    {
        var method = EchoReflection.Descriptor.Services.Single(s => s.Name == "UnmappedService").FindMethodByName("Echo");

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.UnaryAsync<EchoRequest, EchoResponse>(method, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Contains("governance.testing.v1.UnmappedService", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenNoServerListening_WhenCalled_ThenUnavailable()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = GrpcClient.CreateHttpClient(new Uri($"http://127.0.0.1:{port}"));

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Echo", new EchoRequest(), client: new GrpcClient(http)));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task GivenAnActivityListener_WhenACallFails_ThenOneServerSpanCarriesTheRpcTags()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GrpcDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await Assert.ThrowsAsync<RpcException>(() =>
            Unary("Fail", new EchoRequest { Status = (int)StatusCode.NotFound, Text = "missing" }));

        var span = Assert.Single(spans, s => s.DisplayName == "governance.testing.v1.EchoService/Fail");
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal("grpc", span.GetTagItem("rpc.system"));
        Assert.Equal("governance.testing.v1.EchoService", span.GetTagItem("rpc.service"));
        Assert.Equal("Fail", span.GetTagItem("rpc.method"));
        Assert.Equal((int)StatusCode.NotFound, span.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public async Task Given64ConcurrentCallers_WhenEachMakesManyCalls_ThenEveryReplyMatchesItsRequest()
    {
        const int callers = 64;
        const int callsPerCaller = 150;
        var stopwatch = Stopwatch.StartNew();

        var mismatches = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var wrong = 0;
            for (var i = 0; i < callsPerCaller; i++)
            {
                var text = $"{caller}:{i}";
                var reply = await Unary("Echo", new EchoRequest { Text = text });
                wrong += reply.Text == text ? 0 : 1;
            }

            return wrong;
        }));

        stopwatch.Stop();
        Assert.Equal(0, mismatches.Sum());
        output.WriteLine($"{callers * callsPerCaller} calls in {stopwatch.Elapsed.TotalMilliseconds:F0} ms: {callers * callsPerCaller / stopwatch.Elapsed.TotalSeconds:F0} calls/s");
    }
}
