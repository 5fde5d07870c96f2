namespace Governance.Testing;

/// <summary>HTTP clients for servers on 127.0.0.1 that never go through a proxy named in the environment.</summary>
public static class LoopbackHttp
{
    public static HttpClient Create() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
}
