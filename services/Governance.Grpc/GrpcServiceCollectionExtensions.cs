using Governance.Grpc.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Governance.Grpc;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>Registers the gRPC server's options, its bookkeeping and the <see cref="HealthService"/> singleton.</summary>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton(sp => new HealthService(sp.GetService<IHostApplicationLifetime>()));
        return services;
    }
}
