using System.Net;
using Governance.Grpc;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.ServiceDefaults;

/// <summary>
/// Two listeners: gRPC over cleartext HTTP/2 (h2c needs an HTTP/2-only endpoint, or Kestrel falls back to
/// HTTP/1.1 and gRPC clients fail) and plain HTTP/1.1 for health probes and browsers. Loopback by default;
/// "Ports:Address" widens it for a container.
/// </summary>
public static class Ports
{
    public static WebApplicationBuilder ListenOnGovernancePorts(this WebApplicationBuilder builder)
    {
        var grpcPort = builder.Configuration.GetValue("Ports:Grpc", 5080);
        var httpPort = builder.Configuration.GetValue("Ports:Http", 5081);
        var address = IPAddress.Parse(builder.Configuration.GetValue("Ports:Address", "127.0.0.1")!);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(address, grpcPort);
            kestrel.Listen(address, httpPort);
        });
        return builder;
    }

    /// <summary>
    /// Prints where to call, once the ports are bound (port 0 in tests resolves to real numbers here). Tests and
    /// scripts read this line, so its shape stays: "Governance {name} ready. gRPC (h2c): … HTTP …".
    /// </summary>
    public static void AnnounceAddresses(this WebApplication app, string name)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var list = addresses.ToList();
            var grpc = list.ElementAtOrDefault(0);
            var http = list.ElementAtOrDefault(1);
            Console.WriteLine($"Governance {name} ready. gRPC (h2c): {grpc}  HTTP (health: /health, /alive): {http}");
        });
    }
}
