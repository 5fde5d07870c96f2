using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Governance.Grpc.Internal;

/// <summary>
/// Reads length-prefixed messages from a response stream into one pooled buffer that grows only for a large message;
/// bytes read past a frame stay buffered for the next one.
/// </summary>
internal sealed class ResponseFrameReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public ResponseFrameReader(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(4096);
    }

    /// <summary>Returns (false, default) at the clean end of the stream.</summary>
    public async ValueTask<(bool HasMessage, T Message)> ReadMessageAsync<T>(
        MessageParser<T> parser, int maxSize, string? encoding, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        if (!await FillAsync(GrpcProtocol.HeaderSize, cancellationToken).ConfigureAwait(false))
        {
            if (_end == _start)
            {
                return (false, default!);
            }

            throw new RpcException(StatusCode.Internal, "Incomplete response message.");
        }

        var flag = _buffer[_start];
        var length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start + 1, 4));
        if (length > (uint)maxSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxSize} bytes).");
        }

        var frameLength = GrpcProtocol.HeaderSize + (int)length;
        if (!await FillAsync(frameLength, cancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(StatusCode.Internal, "Incomplete response message.");
        }

        var payload = new ReadOnlyMemory<byte>(_buffer, _start + GrpcProtocol.HeaderSize, (int)length);
        _start += frameLength;
        try
        {
            switch (flag)
            {
                case 0:
                    return (true, parser.ParseFrom(payload.Span));
                case 1 when string.Equals(encoding, GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase):
                    return (true, parser.ParseFrom(GrpcProtocol.Gunzip(new ReadOnlySequence<byte>(payload), maxSize, "Received")));
                case 1:
                    throw new RpcException(
                        StatusCode.Internal,
                        $"Response message is compressed with unsupported grpc-encoding '{encoding}'.");
                default:
                    throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {flag} in response message prefix.");
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, "Failed to deserialize response message.", ex);
        }
    }

    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        while (_end - _start < count)
        {
            if (_buffer.Length - _start < count)
            {
                var buffered = _end - _start;
                var target = _buffer.Length >= count ? _buffer : ArrayPool<byte>.Shared.Rent(count);
                _buffer.AsSpan(_start, buffered).CopyTo(target);
                if (!ReferenceEquals(target, _buffer))
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = target;
                }

                _start = 0;
                _end = buffered;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
