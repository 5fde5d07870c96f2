using Governance.Grpc.Internal;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Governance.Grpc;

/// <summary>Metadata on every gRPC method endpoint, for code that inspects the endpoint table.</summary>
public sealed record GrpcMethodMetadata(Type ServiceType, Google.Protobuf.Reflection.MethodDescriptor Method);

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <paramref name="descriptor"/> (a generated <c>XxxReflection.Descriptor.Services[i]</c>)
    /// to the public method of <typeparamref name="TService"/> with the same name. Unary methods must look like
    /// <c>Task&lt;TResponse&gt; Name(TRequest, ServerCallContext)</c>, server-streaming ones like
    /// <c>Task Name(TRequest, IServerStreamWriter&lt;TResponse&gt;, ServerCallContext)</c>; a missing or mismatched
    /// method throws here, at startup. Client-streaming and bidirectional methods answer UNIMPLEMENTED.
    /// <typeparamref name="TService"/> is resolved from <c>HttpContext.RequestServices</c> on every call and must be
    /// registered: as a singleton when it is stateless (cheapest), or scoped for one instance per call.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints, ServiceDescriptor descriptor)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(descriptor);

        var services = endpoints.ServiceProvider;
        var registry = services.GetService<GrpcServiceRegistry>()
            ?? throw new InvalidOperationException("Call services.AddGrpcServer() before mapping gRPC services.");
        if (services.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(TService)))
        {
            throw new InvalidOperationException(
                $"{typeof(TService).FullName} is not registered; add it to the services (e.g. AddSingleton<{typeof(TService).Name}>()) before mapping {descriptor.FullName}.");
        }

        var options = services.GetRequiredService<IOptions<GrpcServerOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(ServerLog.CategoryName);

        var errors = new List<string>();
        var routes = new List<(string Path, RequestDelegate Handler, Google.Protobuf.Reflection.MethodDescriptor Method)>();
        foreach (var method in descriptor.Methods)
        {
            var path = "/" + descriptor.FullName + "/" + method.Name;
            if (method.IsClientStreaming)
            {
                var detail = $"Method '{method.FullName}' is client-streaming or bidirectional, which this server does not support.";
                routes.Add((path, ctx => GrpcServiceRegistry.RespondUnimplementedAsync(ctx, detail), method));
                continue;
            }

            var handler = ServerMethodBinder.Bind<TService>(method, options, logger, errors);
            if (handler is not null)
            {
                routes.Add((path, handler.HandleAsync, method));
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"Cannot map gRPC service {descriptor.FullName} to {typeof(TService).FullName}:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", errors));
        }

        var builders = new List<IEndpointConventionBuilder>(routes.Count + 1);
        foreach (var (path, handler, method) in routes)
        {
            builders.Add(endpoints
                .MapMethods(path, [HttpMethods.Post], handler)
                .WithDisplayName("gRPC " + path)
                .WithMetadata(new GrpcMethodMetadata(typeof(TService), method)));
        }

        registry.AddService(descriptor.FullName);
        if (registry.TryMarkFallbackMapped())
        {
            var pattern = RoutePatternFactory.Parse(
                UnimplementedRoute.Pattern,
                defaults: null,
                parameterPolicies: new RouteValueDictionary { [UnimplementedRoute.ServiceKey] = new UnimplementedRoute() });
            endpoints.Map(pattern, registry.RespondUnimplementedAsync).WithDisplayName("gRPC unimplemented method");
        }

        return new CompositeEndpointConventionBuilder(builders);
    }

    /// <summary>Maps grpc.health.v1.Health, served by the <see cref="HealthService"/> singleton AddGrpcServer registers.</summary>
    public static IEndpointConventionBuilder MapGrpcHealthService(this IEndpointRouteBuilder endpoints)
        => endpoints.MapGrpcService<HealthService>(HealthReflection.Descriptor.Services[0]);

    private sealed class CompositeEndpointConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
