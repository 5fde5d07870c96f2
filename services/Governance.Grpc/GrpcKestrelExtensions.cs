using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Governance.Grpc;

public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Listens for cleartext HTTP/2 (h2c, prior knowledge). HTTP/2 must be the only protocol: with HTTP/1.1 also
    /// allowed and no TLS to negotiate, Kestrel assumes HTTP/1.1 and gRPC clients fail.
    /// </summary>
    public static void ListenGrpc(this KestrelServerOptions options, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http2);
    }
}
