namespace Governance.Grpc;

public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, after decompression; larger ones get RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; a larger one ends the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = int.MaxValue;

    /// <summary>Puts the message of an unmapped exception into grpc-message; leave off in production.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// Tried in order for any exception other than <see cref="RpcException"/> that a handler throws; the first
    /// non-null answer is sent. An exception no mapper claims is logged and answered with INTERNAL.
    /// </summary>
    public List<Func<Exception, RpcException?>> ExceptionMappers { get; } = [];
}
