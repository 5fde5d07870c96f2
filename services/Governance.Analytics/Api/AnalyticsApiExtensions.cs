using Governance.Contracts.V1;
using Governance.Grpc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Governance.Analytics.Api;

public static class AnalyticsApiExtensions
{
    /// <summary>The query side: AnalyticsService over gRPC and the same queries as JSON. Needs an <c>IAnalyticsView</c> and bearer authentication.</summary>
    public static IServiceCollection AddAnalyticsApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AnalyticsQueries>();
        services.AddSingleton<AnalyticsGrpcService>();
        return services;
    }

    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<AnalyticsGrpcService>(GovernanceServices.AnalyticsService);
        endpoints.MapAnalyticsHttpApi();
        return endpoints;
    }
}
