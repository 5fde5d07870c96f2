using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Governance.Grpc.Internal;

/// <summary>Reads the single request message of a unary or server-streaming call straight from the body pipe.</summary>
internal static class ServerMessageReader
{
    public static async ValueTask<TRequest> ReadSingleAsync<TRequest>(
        HttpContext httpContext,
        MessageParser<TRequest> parser,
        int maxSize,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
    {
        var reader = httpContext.Request.BodyReader;
        var haveMessage = false;
        TRequest message = default!;

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (!haveMessage && buffer.Length >= GrpcProtocol.HeaderSize)
                {
                    var (flag, length) = ReadHeader(buffer);

                    // Refuse on the prefix alone: the rest of an oversized message is never buffered.
                    if (length > (uint)maxSize)
                    {
                        throw new RpcException(
                            StatusCode.ResourceExhausted,
                            $"Received message exceeds the maximum configured message size ({length} > {maxSize} bytes).");
                    }

                    if (buffer.Length >= GrpcProtocol.HeaderSize + length)
                    {
                        var payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
                        message = Parse(httpContext, parser, flag, payload, maxSize);
                        haveMessage = true;
                        consumed = payload.End;
                        examined = consumed;
                        buffer = buffer.Slice(consumed);
                    }
                }

                if (haveMessage && !buffer.IsEmpty)
                {
                    // The spec's cardinality rule: a second request message on a single-request method.
                    throw new RpcException(
                        StatusCode.Unimplemented,
                        "Received more than one request message for a method that takes a single request.");
                }

                if (result.IsCompleted)
                {
                    if (haveMessage)
                    {
                        return message;
                    }

                    throw buffer.IsEmpty
                        ? new RpcException(StatusCode.Unimplemented, "Request did not include a message.")
                        : new RpcException(StatusCode.Internal, "Incomplete request message.");
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("Reading the request was cancelled.");
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    private static (byte Flag, uint Length) ReadHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        return (header[0], BinaryPrimitives.ReadUInt32BigEndian(header[1..]));
    }

    private static TRequest Parse<TRequest>(
        HttpContext httpContext,
        MessageParser<TRequest> parser,
        byte flag,
        ReadOnlySequence<byte> payload,
        int maxSize)
        where TRequest : IMessage<TRequest>
    {
        try
        {
            switch (flag)
            {
                case 0:
                    return parser.ParseFrom(payload);
                case 1:
                    var encoding = httpContext.Request.Headers[GrpcProtocol.EncodingHeader].ToString();
                    if (string.Equals(encoding, GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase))
                    {
                        return parser.ParseFrom(GrpcProtocol.Gunzip(payload, maxSize, "Received"));
                    }

                    if (encoding.Length == 0 || string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new RpcException(
                            StatusCode.Internal,
                            "Request message is flagged as compressed but the request has no grpc-encoding.");
                    }

                    // The response already carries grpc-accept-encoding, which tells the client what would work.
                    throw new RpcException(
                        StatusCode.Unimplemented,
                        $"Unsupported grpc-encoding '{encoding}'; this server accepts {GrpcProtocol.AcceptEncodingValue}.");
                default:
                    throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {flag} in request message prefix.");
            }
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(StatusCode.Internal, "Failed to deserialize request message.");
        }
    }
}
