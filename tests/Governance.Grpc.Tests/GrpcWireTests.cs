using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using Governance.Grpc.Tests.Echo;
using Governance.Grpc.Tests.Support;
using Xunit;

namespace Governance.Grpc.Tests;

/// <summary>Requests no well-behaved client sends, built by hand to check the server's answers on the wire.</summary>
[Collection(GrpcServerCollection.Name)]
public sealed class GrpcWireTests(GrpcServerFixture server)
{
    private const string EchoPath = "/governance.testing.v1.EchoService/Echo";

    private Task<RawGrpc.Response> Post(string path, byte[] body, string contentType = "application/grpc", IDictionary<string, string>? headers = null)
        => RawGrpc.PostAsync(server.HttpClient, path, body, contentType, headers);

    private async Task AssertServerStillServesAsync()
    {
        var reply = await server.Client.UnaryAsync<EchoRequest, EchoResponse>(
            GrpcServerFixture.Method("Echo"), new EchoRequest { Text = "alive" });
        Assert.Equal("alive", reply.Text);
    }

    [Fact]
    public async Task GivenAValidFrame_WhenPosted_ThenHeadersThenOneFrameThenOkTrailers()
    {
        var response = await Post(EchoPath, RawGrpc.Frame(new EchoRequest { Text = "raw" }));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("0", response.Trailer("grpc-status"));
        Assert.Equal("identity,gzip", response.Header("grpc-accept-encoding"));
        Assert.Equal(0, response.Body[0]);
        var reply = EchoResponse.Parser.ParseFrom(response.Body.AsSpan(5));
        Assert.Equal("raw", reply.Text);
    }

    [Fact]
    public async Task GivenApplicationGrpcPlusProto_WhenPosted_ThenAccepted()
    {
        var response = await Post(EchoPath, RawGrpc.Frame(new EchoRequest { Text = "x" }), "application/grpc+proto");

        Assert.Equal("0", response.Trailer("grpc-status"));
    }

    [Fact]
    public async Task GivenMalformedProtobuf_WhenPosted_ThenInternalFailedToDeserialize()
    {
        // Field 1 with wire type 7, which does not exist.
        var response = await Post(EchoPath, RawGrpc.Frame([0x0F, 0x01, 0x02]));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("13", response.Trailer("grpc-status"));
        Assert.Contains("Failed to deserialize", response.Trailer("grpc-message"), StringComparison.Ordinal);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task GivenATruncatedFrame_WhenPosted_ThenInternal()
    {
        var frame = RawGrpc.Frame(new EchoRequest { Text = "cut short" });

        var response = await Post(EchoPath, frame[..^3]);

        Assert.Equal("13", response.Trailer("grpc-status"));
    }

    [Fact]
    public async Task GivenNoMessage_WhenPostedToAUnaryMethod_ThenUnimplementedPerTheCardinalityRule()
    {
        var response = await Post(EchoPath, []);

        Assert.Equal("12", response.Trailer("grpc-status"));
    }

    [Fact]
    public async Task GivenTwoMessages_WhenPostedToAUnaryMethod_ThenUnimplementedPerTheCardinalityRule()
    {
        var frame = RawGrpc.Frame(new EchoRequest { Text = "one" });

        var response = await Post(EchoPath, [.. frame, .. frame]);

        Assert.Equal("12", response.Trailer("grpc-status"));
    }

    [Fact]
    public async Task GivenAWrongContentType_WhenPosted_ThenHttp415()
    {
        var response = await Post(EchoPath, Encoding.UTF8.GetBytes("{}"), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task GivenAnUnknownMethodOfAKnownService_WhenPosted_ThenGrpcUnimplementedNotHttp404()
    {
        var response = await Post("/governance.testing.v1.EchoService/NoSuchMethod", RawGrpc.Frame(new EchoRequest()));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("12", response.Trailer("grpc-status"));
        Assert.Contains("NoSuchMethod", response.Trailer("grpc-message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAClientStreamingMethod_WhenPosted_ThenUnimplemented()
    {
        var response = await Post("/governance.testing.v1.EchoService/Collect", RawGrpc.Frame(new EchoRequest()));

        Assert.Equal("12", response.Trailer("grpc-status"));
    }

    [Fact]
    public async Task GivenAGzipFrame_WhenPostedWithGrpcEncodingGzip_ThenDecompressed()
    {
        var compressed = Internal.GrpcProtocol.Gzip(new EchoRequest { Text = "zipped" }.ToByteArray());

        var response = await Post(EchoPath, RawGrpc.Frame(compressed, flag: 1), headers: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });

        Assert.Equal("0", response.Trailer("grpc-status"));
        Assert.Equal("zipped", EchoResponse.Parser.ParseFrom(response.Body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task GivenACompressedFrameInAnUnsupportedEncoding_WhenPosted_ThenUnimplementedWithAcceptEncoding()
    {
        var response = await Post(EchoPath, RawGrpc.Frame([1, 2, 3], flag: 1), headers: new Dictionary<string, string> { ["grpc-encoding"] = "br" });

        Assert.Equal("12", response.Trailer("grpc-status"));
        Assert.Contains("gzip", response.Header("grpc-accept-encoding"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenACompressedFlagWithoutAnEncoding_WhenPosted_ThenInternal()
    {
        var response = await Post(EchoPath, RawGrpc.Frame([1, 2, 3], flag: 1));

        Assert.Equal("13", response.Trailer("grpc-status"));
    }

    [Fact]
    public async Task GivenAGzipBombOverTheLimit_WhenPosted_ThenResourceExhausted()
    {
        var message = new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) };
        var compressed = Internal.GrpcProtocol.Gzip(message.ToByteArray());

        var response = await Post(EchoPath, RawGrpc.Frame(compressed, flag: 1), headers: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });

        Assert.True(compressed.Length < 1024 * 1024);
        Assert.Equal("8", response.Trailer("grpc-status"));
    }

    [Fact]
    public async Task GivenAGrpcTimeout_WhenTheHandlerIsSlow_ThenTheServerItselfAnswersDeadlineExceeded()
    {
        // No client-side deadline here: the answer can only come from the server enforcing grpc-timeout.
        var callId = Guid.NewGuid().ToString();

        var response = await Post(
            "/governance.testing.v1.EchoService/Slow",
            RawGrpc.Frame(new EchoRequest { CallId = callId }),
            headers: new Dictionary<string, string> { ["grpc-timeout"] = "1000m" });

        Assert.Equal("4", response.Trailer("grpc-status"));
        Assert.True(await server.Probe.WaitForCancellationAsync(callId, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("1H")]
    [InlineData("1M")]
    [InlineData("30S")]
    [InlineData("30000m")]
    [InlineData("30000000u")]
    [InlineData("30000000n")]
    public async Task GivenEachTimeoutUnit_WhenPosted_ThenTheHandlerSeesADeadlineThatFar(string timeout)
    {
        var callId = Guid.NewGuid().ToString();
        var expected = Internal.GrpcProtocol.TryParseTimeout(timeout, out var span) ? span : throw new InvalidOperationException();
        var before = DateTimeOffset.UtcNow;

        var response = await Post(EchoPath, RawGrpc.Frame(new EchoRequest { CallId = callId }), headers: new Dictionary<string, string> { ["grpc-timeout"] = timeout });

        Assert.Equal("0", response.Trailer("grpc-status"));
        var deadline = server.Probe.Contexts[callId].Deadline;
        Assert.NotNull(deadline);
        Assert.InRange(deadline!.Value, before + expected - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + expected + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task GivenHttp11_WhenSentToTheH2cPort_ThenRejectedAndTheServerKeepsServing()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        var request = $"POST {EchoPath} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nContent-Type: application/grpc\r\nContent-Length: 0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await stream.ReadAsync(buffer, cts.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        await AssertServerStillServesAsync();
    }
}
