namespace Governance.Grpc;

/// <summary>
/// A call that ended with a non-OK status. Thrown by a handler to choose the status the client sees, and thrown by
/// <see cref="GrpcClient"/> when a call fails.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode status, string detail)
        : this(status, detail, null)
    {
    }

    public RpcException(StatusCode status, string detail, Exception? innerException)
        : base($"Status(StatusCode=\"{status}\", Detail=\"{detail}\")", innerException)
    {
        StatusCode = status;
        Detail = detail;
    }

    public StatusCode StatusCode { get; }

    public string Detail { get; }

    /// <summary>
    /// On the server: extra trailers sent with the status (e.g. "current-version"); keys are sent lower-case and
    /// values must be printable ASCII (base64 for keys ending in "-bin"). On the client: the trailers the server
    /// sent besides grpc-status and grpc-message. On the server, an entry that HTTP/2 cannot carry is left out.
    /// </summary>
    public IDictionary<string, string> Trailers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
