using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Logging;

namespace Governance.Grpc.Internal;

/// <summary>
/// Turns each method of a protoc service descriptor into a call handler bound to the same-named method of the
/// service class. Reflection happens here, once; a call only goes through a closed generic delegate.
/// </summary>
internal static class ServerMethodBinder
{
    public static ServerCallHandler? Bind<TService>(
        MethodDescriptor method,
        GrpcServerOptions options,
        ILogger logger,
        List<string> errors)
        where TService : class
    {
        var requestType = method.InputType.ClrType;
        var responseType = method.OutputType.ClrType;
        if (requestType is null || responseType is null)
        {
            errors.Add($"{method.FullName}: the descriptor has no generated message classes (was it loaded from a generated *Reflection.Descriptor?).");
            return null;
        }

        var unary = !method.IsServerStreaming;
        Type[] parameterTypes = unary
            ? [requestType, typeof(ServerCallContext)]
            : [requestType, typeof(IServerStreamWriter<>).MakeGenericType(responseType), typeof(ServerCallContext)];
        var returnType = unary ? typeof(Task<>).MakeGenericType(responseType) : typeof(Task);

        var candidates = typeof(TService)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == method.Name)
            .ToList();
        var match = candidates.FirstOrDefault(m =>
            !m.IsGenericMethodDefinition
            && m.ReturnType == returnType
            && m.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameterTypes));

        if (match is null)
        {
            var expected = $"public {FormatType(returnType)} {method.Name}({string.Join(", ", parameterTypes.Select(FormatType))})";
            var found = candidates.Count == 0
                ? "there is no public instance method of that name"
                : $"found {string.Join("; ", candidates.Select(c => c.ToString()))}";
            errors.Add($"{method.FullName}: {typeof(TService).FullName} must declare '{expected}'; {found}.");
            return null;
        }

        var factoryName = unary ? nameof(CreateUnary) : nameof(CreateServerStreaming);
        var factory = typeof(ServerMethodBinder)
            .GetMethod(factoryName, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeof(TService), requestType, responseType);
        return (ServerCallHandler)factory.Invoke(null, [match, method, options, logger])!;
    }

    private static ServerCallHandler CreateUnary<TService, TRequest, TResponse>(
        MethodInfo handler, MethodDescriptor method, GrpcServerOptions options, ILogger logger)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new UnaryServerCallHandler<TService, TRequest, TResponse>(
            handler.CreateDelegate<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(),
            method,
            options,
            logger);

    private static ServerCallHandler CreateServerStreaming<TService, TRequest, TResponse>(
        MethodInfo handler, MethodDescriptor method, GrpcServerOptions options, ILogger logger)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new ServerStreamingServerCallHandler<TService, TRequest, TResponse>(
            handler.CreateDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(),
            method,
            options,
            logger);

    private static string FormatType(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(FormatType))}>"
        : type.Name;
}
