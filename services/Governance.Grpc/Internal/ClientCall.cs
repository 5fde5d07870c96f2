using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Governance.Grpc.Internal;

/// <summary>The request content: one frame serialized up front, so its length is known and it can be resent.</summary>
internal sealed class GrpcRequestContent : HttpContent
{
    private readonly byte[] _frame;

    public GrpcRequestContent(byte[] frame)
    {
        _frame = frame;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => stream.WriteAsync(_frame).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        => stream.WriteAsync(_frame, cancellationToken).AsTask();

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        => stream.Write(_frame);

    protected override bool TryComputeLength(out long length)
    {
        length = _frame.Length;
        return true;
    }
}

/// <summary>
/// One client call: deadline and cancellation, response header checks, message reads, the final status from the
/// trailers, and the mapping of transport failures to gRPC status codes.
/// </summary>
internal sealed class ClientCall<TResponse> : IDisposable
    where TResponse : IMessage<TResponse>
{
    private readonly MessageParser<TResponse> _parser;
    private readonly int _maxReceiveSize;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource? _deadlineSource;
    private readonly CancellationToken _token;
    private HttpResponseMessage? _response;
    private ResponseFrameReader? _reader;
    private string? _encoding;
    private bool _finished;

    public ClientCall(MessageParser<TResponse> parser, int maxReceiveSize, CancellationToken userToken, TimeSpan? timeout)
    {
        _parser = parser;
        _maxReceiveSize = maxReceiveSize;
        _userToken = userToken;
        if (timeout is { } t)
        {
            _deadlineSource = userToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(userToken)
                : new CancellationTokenSource();
            _deadlineSource.CancelAfter(t);
            _token = _deadlineSource.Token;
        }
        else
        {
            _token = userToken;
        }
    }

    public async Task StartAsync(HttpClient httpClient, HttpRequestMessage request)
    {
        try
        {
            _response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _token).ConfigureAwait(false);
            CheckResponseHeaders(_response);
            if (!_finished)
            {
                var stream = await _response.Content.ReadAsStreamAsync(_token).ConfigureAwait(false);
                _reader = new ResponseFrameReader(stream);
            }
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw MapException(ex);
        }
    }

    /// <summary>The next message, or (false, default) once the call ended with OK; a non-OK end throws.</summary>
    public async ValueTask<(bool HasMessage, TResponse Message)> ReadNextAsync()
    {
        if (_finished)
        {
            return (false, default!);
        }

        try
        {
            var next = await _reader!.ReadMessageAsync(_parser, _maxReceiveSize, _encoding, _token).ConfigureAwait(false);
            if (next.HasMessage)
            {
                return next;
            }

            // The body is read to its end, so the trailers are now in place.
            _finished = true;
            ThrowIfNotOk(_response!.TrailingHeaders, missingStatus: "No grpc-status found on response.");
            return next;
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw MapException(ex);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Internal && _token.IsCancellationRequested)
        {
            // A body cut short by our own cancellation is the cancellation (or deadline), not a protocol error.
            throw MapException(ex);
        }
    }

    public async Task<TResponse> ReadSingleAsync()
    {
        var first = await ReadNextAsync().ConfigureAwait(false);
        if (!first.HasMessage)
        {
            throw new RpcException(StatusCode.Unimplemented, "The server ended a unary call with OK but sent no response message.");
        }

        var second = await ReadNextAsync().ConfigureAwait(false);
        if (second.HasMessage)
        {
            throw new RpcException(StatusCode.Unimplemented, "The server sent more than one response message for a unary call.");
        }

        return first.Message;
    }

    private void CheckResponseHeaders(HttpResponseMessage response)
    {
        // A status among the headers is a trailers-only response: the call is over, whatever the HTTP status.
        if (response.Headers.NonValidated.Contains(GrpcProtocol.StatusTrailer))
        {
            _finished = true;
            ThrowIfNotOk(response.Headers, missingStatus: "Invalid grpc-status in response headers.");
            return;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = (int)response.StatusCode;
            throw new RpcException(GrpcProtocol.FromHttpStatus(code), $"Bad gRPC response. HTTP status code: {code}.");
        }

        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var types) ? types.ToString() : null;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Unknown, $"Bad gRPC response. Invalid content-type value: {contentType}.");
        }

        if (response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var encoding))
        {
            _encoding = encoding.ToString();
        }
    }

    private static void ThrowIfNotOk(HttpHeaders headers, string missingStatus)
    {
        var values = headers.NonValidated;
        if (!values.TryGetValues(GrpcProtocol.StatusTrailer, out var statusValues)
            || !int.TryParse(statusValues.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new RpcException(StatusCode.Unknown, missingStatus);
        }

        if (status == (int)StatusCode.OK)
        {
            return;
        }

        var detail = values.TryGetValues(GrpcProtocol.MessageTrailer, out var messageValues)
            ? GrpcProtocol.PercentDecode(messageValues.ToString())
            : string.Empty;
        var exception = new RpcException((StatusCode)status, detail);
        foreach (var (name, value) in values)
        {
            if (!name.Equals(GrpcProtocol.StatusTrailer, StringComparison.OrdinalIgnoreCase)
                && !name.Equals(GrpcProtocol.MessageTrailer, StringComparison.OrdinalIgnoreCase)
                && name.Length > 0 && name[0] != ':' && !name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                exception.Trailers[name] = value.ToString();
            }
        }

        throw exception;
    }

    private RpcException MapException(Exception exception)
    {
        if (_userToken.IsCancellationRequested)
        {
            return new RpcException(StatusCode.Cancelled, "Call cancelled by the client.", exception);
        }

        if (_deadlineSource is { IsCancellationRequested: true })
        {
            return new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded", exception);
        }

        if (exception is RpcException rpc)
        {
            return rpc;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return new RpcException(
                    GrpcProtocol.FromHttp2ErrorCode(protocol.ErrorCode),
                    $"HTTP/2 error 0x{protocol.ErrorCode:X}: {protocol.Message}",
                    exception);
            }
        }

        return exception switch
        {
            OperationCanceledException => new RpcException(StatusCode.Cancelled, "Call cancelled.", exception),
            HttpRequestException or IOException => new RpcException(
                StatusCode.Unavailable,
                $"Error talking to the server. {exception.GetType().Name}: {exception.Message}",
                exception),
            _ => new RpcException(StatusCode.Internal, $"{exception.GetType().Name}: {exception.Message}", exception),
        };
    }

    public void Dispose()
    {
        _reader?.Dispose();

        // Disposing a response whose body was not read to the end resets the stream, which cancels the server's call.
        _response?.Dispose();
        _deadlineSource?.Dispose();
    }
}
