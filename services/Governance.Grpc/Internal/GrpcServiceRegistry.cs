using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Governance.Grpc.Internal;

/// <summary>Which services are mapped, so an unknown method can be told apart from an unknown service.</summary>
internal sealed class GrpcServiceRegistry
{
    private readonly ConcurrentDictionary<string, bool> _services = new(StringComparer.Ordinal);
    private int _fallbackMapped;

    public void AddService(string fullName) => _services[fullName] = true;

    public bool HasService(string fullName) => _services.ContainsKey(fullName);

    /// <summary>True only the first time, so the fallback endpoint is mapped once however many services are.</summary>
    public bool TryMarkFallbackMapped() => Interlocked.Exchange(ref _fallbackMapped, 1) == 0;

    public Task RespondUnimplementedAsync(HttpContext httpContext)
    {
        var values = httpContext.Request.RouteValues;
        var service = values[UnimplementedRoute.ServiceKey] as string ?? string.Empty;
        var method = values[UnimplementedRoute.MethodKey] as string ?? string.Empty;
        var detail = HasService(service)
            ? $"Method '{method}' is not implemented by service '{service}'."
            : $"Service '{service}' is not implemented by this server.";
        return RespondUnimplementedAsync(httpContext, detail);
    }

    public static Task RespondUnimplementedAsync(HttpContext httpContext, string detail)
    {
        if (ServerCallHandler.TryAcceptRequest(httpContext))
        {
            httpContext.Response.ContentType = GrpcProtocol.ContentType;
            httpContext.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.AcceptEncodingValue;
            ServerCallHandler.WriteStatus(httpContext.Response, StatusCode.Unimplemented, detail);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The catch-all "{service}/{method}" route answers only gRPC requests (POST with a gRPC content type), so it never
/// shadows the application's other endpoints; literal method routes always win over it by precedence.
/// </summary>
internal sealed class UnimplementedRoute : IRouteConstraint
{
    public const string ServiceKey = "grpcUnimplementedService";
    public const string MethodKey = "grpcUnimplementedMethod";
    public const string Pattern = "{" + ServiceKey + "}/{" + MethodKey + "}";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
        => routeDirection == RouteDirection.IncomingRequest
            && httpContext is not null
            && HttpMethods.IsPost(httpContext.Request.Method)
            && GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType);
}
