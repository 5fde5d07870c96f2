namespace Governance.Grpc;

/// <summary>Sends the messages of a server-streaming call. Writes must not overlap: await each before the next.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
