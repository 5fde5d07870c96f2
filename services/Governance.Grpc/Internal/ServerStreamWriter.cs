using System.IO.Pipelines;
using Google.Protobuf;

namespace Governance.Grpc.Internal;

internal sealed class ServerStreamWriter<T> : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    private readonly ServerCallContext _call;
    private readonly PipeWriter _writer;
    private readonly int _maxSize;

    public ServerStreamWriter(ServerCallContext call, PipeWriter writer, int maxSize)
    {
        _call = call;
        _writer = writer;
        _maxSize = maxSize;
    }

    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Kestrel quietly drops writes after a reset, so a handler that only writes would never notice the client left.
        _call.CancellationToken.ThrowIfCancellationRequested();
        cancellationToken.ThrowIfCancellationRequested();

        var size = message.CalculateSize();
        if (size > _maxSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {_maxSize} bytes).");
        }

        _call.BeginWrite();
        try
        {
            GrpcProtocol.WriteFrame(_writer, message, size);
            var callToken = _call.CancellationToken;
            if (!cancellationToken.CanBeCanceled || cancellationToken == callToken)
            {
                await _writer.FlushAsync(callToken).ConfigureAwait(false);
            }
            else
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken);
                await _writer.FlushAsync(linked.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _call.EndWrite();
        }
    }
}
