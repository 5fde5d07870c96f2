using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Governance.Grpc.Tests.Support;

/// <summary>Hand-built HTTP/2 requests, for the cases our own client is too well-behaved to produce.</summary>
public static class RawGrpc
{
    public sealed record Response(HttpStatusCode Status, HttpResponseHeaders Headers, HttpResponseHeaders Trailers, byte[] Body)
    {
        public string? Trailer(string name) => Trailers.TryGetValues(name, out var v) ? v.Single() : null;

        public string? Header(string name) => Headers.TryGetValues(name, out var v) ? v.Single() : null;
    }

    public static byte[] Frame(ReadOnlySpan<byte> payload, byte flag = 0)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static async Task<Response> PostAsync(
        HttpClient client,
        string path,
        byte[] body,
        string contentType = "application/grpc",
        IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token);
        return new Response(response.StatusCode, response.Headers, response.TrailingHeaders, bytes);
    }
}
