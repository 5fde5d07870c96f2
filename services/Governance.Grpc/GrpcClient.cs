using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Governance.Grpc.Internal;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Governance.Grpc;

/// <summary>
/// A gRPC client on <see cref="HttpClient"/> (HTTP/2; h2c by prior knowledge for http:// addresses). Methods are
/// named by their protoc <see cref="MethodDescriptor"/>, so no path is typed by hand. Thread-safe; keep one per
/// HttpClient. Every failure surfaces as <see cref="RpcException"/>.
/// </summary>
public sealed class GrpcClient
{
    private readonly HttpClient _httpClient;
    private readonly ConcurrentDictionary<MethodDescriptor, Uri> _uris = new();

    /// <param name="httpClient">Its BaseAddress must be set; <see cref="CreateHttpClient"/> makes a suitable one.</param>
    public GrpcClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = httpClient;
    }

    /// <summary>Largest response message accepted; a larger one fails the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; a larger one fails with RESOURCE_EXHAUSTED before anything is sent.</summary>
    public int MaxSendMessageSize { get; init; } = int.MaxValue;

    /// <summary>Sends request messages gzip-compressed (grpc-encoding: gzip).</summary>
    public bool CompressRequests { get; init; }

    /// <summary>
    /// Request metadata sent with every call, e.g. "authorization: Bearer ..." for a client that always acts as one
    /// caller. <see cref="CallOptions.Headers"/> adds to it, and wins for a name given in both.
    /// </summary>
    public IReadOnlyDictionary<string, string>? DefaultHeaders { get; init; }

    /// <summary>
    /// A handler for gRPC over HTTP/2: more connections once one is full of streams, long-lived pooled connections,
    /// keep-alive pings while calls are active, and no proxy, cookies, redirects or automatic decompression.
    /// </summary>
    public static SocketsHttpHandler CreateHttpHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
    };

    /// <summary>An HttpClient for <see cref="GrpcClient"/>; its timeout is infinite because calls carry deadlines.</summary>
    public static HttpClient CreateHttpClient(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new HttpClient(CreateHttpHandler(), disposeHandler: true)
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        using var call = await StartCallAsync<TRequest, TResponse>(method, request, options, expectStreaming: false, options.CancellationToken)
            .ConfigureAwait(false);
        return await call.ReadSingleAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the call when enumeration starts. Stopping early (break, dispose, or a token given to
    /// WithCancellation) resets the stream, which cancels the call on the server.
    /// </summary>
    public IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
        => ReadStreamAsync<TRequest, TResponse>(method, request, options, options.CancellationToken);

    private async IAsyncEnumerable<TResponse> ReadStreamAsync<TRequest, TResponse>(
        MethodDescriptor method,
        TRequest request,
        CallOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        using var call = await StartCallAsync<TRequest, TResponse>(method, request, options, expectStreaming: true, cancellationToken)
            .ConfigureAwait(false);
        while (true)
        {
            var next = await call.ReadNextAsync().ConfigureAwait(false);
            if (!next.HasMessage)
            {
                yield break;
            }

            yield return next.Message;
        }
    }

    private async Task<ClientCall<TResponse>> StartCallAsync<TRequest, TResponse>(
        MethodDescriptor method,
        TRequest request,
        CallOptions options,
        bool expectStreaming,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse))
        {
            throw new ArgumentException(
                $"{method.FullName} takes {method.InputType.ClrType?.Name} and returns {method.OutputType.ClrType?.Name}, not {typeof(TRequest).Name} and {typeof(TResponse).Name}.",
                nameof(method));
        }

        if (method.IsClientStreaming || method.IsServerStreaming != expectStreaming)
        {
            throw new ArgumentException(
                $"{method.FullName} is not a {(expectStreaming ? "server-streaming" : "unary")} method.", nameof(method));
        }

        TimeSpan? timeout = null;
        if (options.Deadline is { } deadline)
        {
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            }

            timeout = remaining;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var frame = Serialize(request);
        var message = new HttpRequestMessage(HttpMethod.Post, GetUri(method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new GrpcRequestContent(frame),
        };
        var headers = message.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.AcceptEncodingValue);
        if (CompressRequests)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.GzipEncoding);
        }

        if (timeout is { } t)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcProtocol.FormatTimeout(t));
        }

        if (options.Headers is { } extra)
        {
            foreach (var (name, value) in extra)
            {
                AddMetadata(headers, name, value);
            }
        }

        if (DefaultHeaders is { } defaults)
        {
            foreach (var (name, value) in defaults)
            {
                if (options.Headers?.Keys.Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) != true)
                {
                    AddMetadata(headers, name, value);
                }
            }
        }

        var call = new ClientCall<TResponse>(
            (MessageParser<TResponse>)method.OutputType.Parser, MaxReceiveMessageSize, cancellationToken, timeout);
        try
        {
            await call.StartAsync(_httpClient, message).ConfigureAwait(false);
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
        finally
        {
            // Headers and body are sent by now (or never will be); the response stays with the call.
            message.Dispose();
        }
    }

    private byte[] Serialize<TRequest>(TRequest request)
        where TRequest : IMessage<TRequest>
    {
        var size = request.CalculateSize();
        if (size > MaxSendMessageSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {MaxSendMessageSize} bytes).");
        }

        byte[] frame;
        if (CompressRequests)
        {
            var compressed = GrpcProtocol.Gzip(request.ToByteArray());
            frame = new byte[GrpcProtocol.HeaderSize + compressed.Length];
            GrpcProtocol.WriteHeader(frame, compressed: true, compressed.Length);
            compressed.CopyTo(frame.AsSpan(GrpcProtocol.HeaderSize));
        }
        else
        {
            frame = new byte[GrpcProtocol.HeaderSize + size];
            GrpcProtocol.WriteHeader(frame, compressed: false, size);
            request.WriteTo(frame.AsSpan(GrpcProtocol.HeaderSize));
        }

        return frame;
    }

    /// <summary>
    /// Adds one metadata entry, refusing before anything is sent what HTTP/2 cannot carry or what would break the
    /// call itself (the protocol's own headers), so a typo fails loudly instead of as a confusing server status.
    /// </summary>
    private static void AddMetadata(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string value)
    {
        var lower = name.ToLowerInvariant();
        if (lower is "te" or "content-type" or "host" || lower.StartsWith("grpc-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata '{name}' is set by the gRPC client itself.", nameof(name));
        }

        if (!GrpcProtocol.IsValidMetadata(lower, value))
        {
            throw new ArgumentException(
                $"Metadata '{name}' cannot be sent: names take letters, digits, '-', '_' and '.', values printable ASCII.", nameof(value));
        }

        headers.TryAddWithoutValidation(lower, value);
    }

    private Uri GetUri(MethodDescriptor method)
    {
        if (_uris.TryGetValue(method, out var uri))
        {
            return uri;
        }

        var baseAddress = _httpClient.BaseAddress
            ?? throw new InvalidOperationException("The HttpClient given to GrpcClient needs a BaseAddress.");

        // Relative to the base, so a base address with a path prefix keeps it.
        uri = new Uri(baseAddress, method.Service.FullName + "/" + method.Name);
        return _uris.GetOrAdd(method, uri);
    }
}
