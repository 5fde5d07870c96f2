using Governance.Grpc.Tests.Echo;
using Governance.Grpc.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Grpc.Tests;

public sealed class BindingTests
{
    /// <summary>Echo has the wrong return type and every other method is missing.</summary>
    public sealed class MismatchedService
    {
        public Task<EchoRequest> Echo(EchoRequest request, ServerCallContext context) => Task.FromResult(request);
    }

    private static WebApplication BuildApp(Action<IServiceCollection> register)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpcServer();
        register(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task GivenAServiceWithMismatchedHandlers_WhenMapped_ThenStartupFailsNamingEachMethod()
    {
        await using var app = BuildApp(s => s.AddSingleton<MismatchedService>());

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<MismatchedService>(GrpcServerFixture.EchoDescriptor));

        Assert.Contains("governance.testing.v1.EchoService.Echo", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Task<EchoResponse> Echo(EchoRequest, ServerCallContext)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("governance.testing.v1.EchoService.Stream", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IServerStreamWriter<EchoResponse>", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EchoService.Collect", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnUnregisteredService_WhenMapped_ThenStartupFailsSayingToRegisterIt()
    {
        await using var app = BuildApp(_ => { });

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoServiceImpl>(GrpcServerFixture.EchoDescriptor));

        Assert.Contains("not registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenNoAddGrpcServer_WhenMapped_ThenStartupFailsSayingToCallIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<EchoServiceImpl>();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoServiceImpl>(GrpcServerFixture.EchoDescriptor));

        Assert.Contains("AddGrpcServer", ex.Message, StringComparison.Ordinal);
    }
}
