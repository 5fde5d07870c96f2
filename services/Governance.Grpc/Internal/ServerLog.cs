using Microsoft.Extensions.Logging;

namespace Governance.Grpc.Internal;

internal static partial class ServerLog
{
    public const string CategoryName = "Governance.Grpc.Server";

    [LoggerMessage(1, LogLevel.Error, "gRPC call {Method} failed with an unhandled exception; answered INTERNAL.")]
    public static partial void UnhandledException(ILogger logger, string method, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "gRPC call {Method} ended with status {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(3, LogLevel.Debug, "gRPC call {Method} was cancelled by the client.")]
    public static partial void CallCancelled(ILogger logger, string method);

    [LoggerMessage(4, LogLevel.Debug, "gRPC call {Method} could not be completed after its deadline passed.")]
    public static partial void DeadlineCompletionFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "gRPC call {Method} failed while writing its response; the stream was reset.")]
    public static partial void ResponseWriteFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "gRPC call {Method} exceeded its deadline.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(7, LogLevel.Error, "An exception mapper threw while mapping the exception of gRPC call {Method}.")]
    public static partial void MapperFailed(ILogger logger, string method, Exception exception);
}
