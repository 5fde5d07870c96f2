using System.Net;
using Governance.Grpc.Tests.Echo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Governance.Grpc.Tests.Support;

/// <summary>A real Kestrel server on 127.0.0.1 with an ephemeral port, serving the echo and health services.</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    public const int MaxSendMessageSize = 6 * 1024 * 1024;

    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public int Port { get; private set; }

    public HttpClient HttpClient { get; private set; } = null!;

    public GrpcClient Client { get; private set; } = null!;

    public CallProbe Probe { get; } = new();

    public CollectingLoggerProvider Logs { get; } = new();

    public HealthService Health => _app!.Services.GetRequiredService<HealthService>();

    public static Google.Protobuf.Reflection.ServiceDescriptor EchoDescriptor => EchoReflection.Descriptor.Services[0];

    public static Google.Protobuf.Reflection.MethodDescriptor Method(string name) => EchoDescriptor.FindMethodByName(name);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(Probe);
        builder.Services.AddSingleton<EchoServiceImpl>();
        builder.Services.AddGrpcServer(options =>
        {
            options.MaxSendMessageSize = MaxSendMessageSize;
            options.ExceptionMappers.Add(ex => ex is VersionConflictException conflict
                ? new RpcException(StatusCode.FailedPrecondition, ex.Message) { Trailers = { ["current-version"] = conflict.CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) } }
                : null);
        });

        _app = builder.Build();
        _app.MapGrpcService<EchoServiceImpl>(EchoDescriptor);
        _app.MapGrpcHealthService();
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Port = new Uri(address).Port;
        Address = new Uri($"http://127.0.0.1:{Port}");
        HttpClient = GrpcClient.CreateHttpClient(Address);
        Client = new GrpcClient(HttpClient);
    }

    public async Task DisposeAsync()
    {
        HttpClient?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrpcServerCollection : ICollectionFixture<GrpcServerFixture>
{
    public const string Name = "gRPC server";
}
