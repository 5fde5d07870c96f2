using Governance.Grpc.Tests.Support;
using Grpc.Health.V1;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Governance.Grpc.Tests;

[Collection(GrpcServerCollection.Name)]
public sealed class HealthTests(GrpcServerFixture server)
{
    private static Google.Protobuf.Reflection.MethodDescriptor HealthMethod(string name)
        => HealthReflection.Descriptor.Services[0].FindMethodByName(name);

    private Task<HealthCheckResponse> Check(string service)
        => server.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(HealthMethod("Check"), new HealthCheckRequest { Service = service });

    [Fact]
    public async Task GivenTheWholeServer_WhenChecked_ThenServing()
    {
        var reply = await Check(string.Empty);

        Assert.Equal(ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task GivenAnUnknownServiceName_WhenChecked_ThenNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Check("no.such.Service"));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task GivenASetStatus_WhenChecked_ThenTheNewStatusIsAnswered()
    {
        var name = "check." + Guid.NewGuid().ToString("N");
        server.Health.SetStatus(name, ServingStatus.NotServing);

        Assert.Equal(ServingStatus.NotServing, (await Check(name)).Status);

        server.Health.ClearStatus(name);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => Check(name))).StatusCode);
    }

    [Fact]
    public async Task GivenAWatch_WhenTheStatusChanges_ThenTheCurrentStatusAndEachChangeAreStreamed()
    {
        var name = "watch." + Guid.NewGuid().ToString("N");
        server.Health.SetStatus(name, ServingStatus.Serving);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ServingStatus>();

        await foreach (var update in server.Client
            .ServerStreamingAsync<HealthCheckRequest, HealthCheckResponse>(HealthMethod("Watch"), new HealthCheckRequest { Service = name })
            .WithCancellation(cts.Token))
        {
            seen.Add(update.Status);
            if (seen.Count == 1)
            {
                server.Health.SetStatus(name, ServingStatus.NotServing);
            }
            else if (seen.Count == 2)
            {
                server.Health.SetStatus(name, ServingStatus.Serving);
            }
            else
            {
                break;
            }
        }

        Assert.Equal([ServingStatus.Serving, ServingStatus.NotServing, ServingStatus.Serving], seen);
    }

    [Fact]
    public async Task GivenAWatchOfAnUnknownService_WhenStarted_ThenServiceUnknownFirst()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await foreach (var update in server.Client
            .ServerStreamingAsync<HealthCheckRequest, HealthCheckResponse>(HealthMethod("Watch"), new HealthCheckRequest { Service = "unknown.Service" })
            .WithCancellation(cts.Token))
        {
            Assert.Equal(ServingStatus.ServiceUnknown, update.Status);
            return;
        }

        Assert.Fail("Watch ended without a status.");
    }
}
