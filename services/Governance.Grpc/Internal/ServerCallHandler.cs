using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Governance.Grpc.Internal;

/// <summary>The part of a call common to every method kind: checks, headers, deadline, status, span.</summary>
internal abstract class ServerCallHandler
{
    private static readonly StringValues AcceptEncoding = new(GrpcProtocol.AcceptEncodingValue);

    protected ServerCallHandler(MethodDescriptor method, GrpcServerOptions options, ILogger logger)
    {
        ServiceName = method.Service.FullName;
        MethodName = method.Name;
        SpanName = ServiceName + "/" + MethodName;
        MethodPath = "/" + SpanName;
        Options = options;
        Logger = logger;
    }

    public string MethodPath { get; }

    protected string ServiceName { get; }

    protected string MethodName { get; }

    protected string SpanName { get; }

    protected GrpcServerOptions Options { get; }

    protected ILogger Logger { get; }

    public async Task HandleAsync(HttpContext httpContext)
    {
        if (!TryAcceptRequest(httpContext))
        {
            return;
        }

        var response = httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = AcceptEncoding;

        var call = new ServerCallContext(httpContext, MethodPath, Logger);
        using var activity = StartSpan(httpContext);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.service", ServiceName);
            activity.SetTag("rpc.method", MethodName);
        }

        var status = StatusCode.Unknown;
        try
        {
            try
            {
                call.StartDeadline();
                status = await InvokeAsync(httpContext, call).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                status = HandleException(call, ex);
            }
        }
        finally
        {
            // Always, even if writing the status threw: a deadline timer left armed would fire on a recycled context.
            await call.DisposeAsync().ConfigureAwait(false);
            if (status == StatusCode.DeadlineExceeded)
            {
                ServerLog.DeadlineExceeded(Logger, MethodPath);
            }

            if (activity is not null)
            {
                activity.SetTag("rpc.grpc.status_code", (int)status);
                if (IsServerError(status))
                {
                    activity.SetStatus(ActivityStatusCode.Error);
                }
            }
        }
    }

    /// <summary>
    /// The call's server span. ASP.NET Core's hosting normally started the request's activity from the caller's
    /// traceparent already, and this span is its child; when it did not (nothing listens to Microsoft.AspNetCore and
    /// it logs nothing), the span continues the caller's trace itself, so a client's trace is never cut here.
    /// </summary>
    private Activity? StartSpan(HttpContext httpContext)
    {
        var source = GrpcDiagnostics.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }
        if (Activity.Current is null
            && httpContext.Request.Headers.TryGetValue("traceparent", out var traceParent)
            && ActivityContext.TryParse(traceParent.ToString(), httpContext.Request.Headers["tracestate"].ToString() is { Length: > 0 } state ? state : null,
                isRemote: true, out var parent))
        {
            return source.StartActivity(SpanName, ActivityKind.Server, parent);
        }
        return source.StartActivity(SpanName, ActivityKind.Server);
    }

    /// <summary>Runs the method; returns the status that ended the call, or throws for the caller to map.</summary>
    protected abstract Task<StatusCode> InvokeAsync(HttpContext httpContext, ServerCallContext call);

    protected static TService ResolveService<TService>(HttpContext httpContext)
        where TService : class
        => httpContext.RequestServices.GetRequiredService<TService>();

    /// <summary>Writes grpc-status and grpc-message (percent-encoded) plus any extra trailers.</summary>
    internal static void WriteStatus(
        HttpResponse response,
        StatusCode status,
        string? detail,
        IReadOnlyDictionary<string, string>? callTrailers = null,
        IDictionary<string, string>? exceptionTrailers = null)
    {
        if (callTrailers is not null)
        {
            foreach (var (key, value) in callTrailers)
            {
                response.AppendTrailer(key, value);
            }
        }

        if (exceptionTrailers is { Count: > 0 })
        {
            foreach (var (key, value) in exceptionTrailers)
            {
                var name = key.ToLowerInvariant();
                if (name is not (GrpcProtocol.StatusTrailer or GrpcProtocol.MessageTrailer)
                    && GrpcProtocol.IsValidMetadata(name, value))
                {
                    response.AppendTrailer(name, value);
                }
            }
        }

        response.AppendTrailer(GrpcProtocol.StatusTrailer, GrpcProtocol.StatusString(status));
        if (!string.IsNullOrEmpty(detail))
        {
            response.AppendTrailer(GrpcProtocol.MessageTrailer, GrpcProtocol.PercentEncode(detail));
        }
    }

    internal static bool TryAcceptRequest(HttpContext httpContext)
    {
        var request = httpContext.Request;
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            httpContext.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return false;
        }

        // Trailers, and so the status, need HTTP/2 (or 3); tell an HTTP/1.1 caller to upgrade rather than fail oddly.
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            httpContext.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            httpContext.Response.Headers.Upgrade = "h2c";
            return false;
        }

        if (httpContext.Features.Get<IHttpResponseTrailersFeature>() is null)
        {
            httpContext.Response.StatusCode = StatusCodes.Status505HttpVersionNotsupported;
            return false;
        }

        return true;
    }

    private StatusCode HandleException(ServerCallContext call, Exception exception)
    {
        var httpContext = call.HttpContext;
        StatusCode status;
        string detail;
        IDictionary<string, string>? trailers = null;

        if (exception is RpcException rpc)
        {
            // OK with no message would leave a unary client without its reply, so it is not passed on as OK.
            status = rpc.StatusCode == StatusCode.OK ? StatusCode.Unknown : rpc.StatusCode;
            detail = rpc.Detail;
            trailers = rpc.Trailers;
            ServerLog.CallFailed(Logger, MethodPath, status, detail);
        }
        else if (call.DeadlineFired)
        {
            // Whatever the handler threw once its deadline passed is the echo of that cancellation.
            status = StatusCode.DeadlineExceeded;
            detail = "Deadline Exceeded";
        }
        else if (httpContext.RequestAborted.IsCancellationRequested)
        {
            ServerLog.CallCancelled(Logger, MethodPath);
            call.TryClaimCompletion();
            return StatusCode.Cancelled;
        }
        else if (MapException(exception) is { } mapped)
        {
            status = mapped.StatusCode;
            detail = mapped.Detail;
            trailers = mapped.Trailers;
            ServerLog.CallFailed(Logger, MethodPath, status, detail);
        }
        else
        {
            ServerLog.UnhandledException(Logger, MethodPath, exception);
            status = StatusCode.Internal;
            detail = Options.EnableDetailedErrors
                ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                : "Exception was thrown by handler.";
        }

        if (!call.TryClaimCompletion())
        {
            // The deadline already answered the client.
            return StatusCode.DeadlineExceeded;
        }

        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            return StatusCode.Cancelled;
        }

        WriteStatus(httpContext.Response, status, detail, call.ResponseTrailers, trailers);
        return status;
    }

    private RpcException? MapException(Exception exception)
    {
        foreach (var mapper in Options.ExceptionMappers)
        {
            RpcException? mapped;
            try
            {
                mapped = mapper(exception);
            }
            catch (Exception mapperException)
            {
                // A broken mapper must not cost the client its status; the original exception is logged as unmapped.
                ServerLog.MapperFailed(Logger, MethodPath, mapperException);
                return null;
            }

            if (mapped is not null)
            {
                return mapped;
            }
        }

        return null;
    }

    // OpenTelemetry's rule for server spans: only codes that point at the server itself mark the span as an error.
    private static bool IsServerError(StatusCode status) => status is StatusCode.Unknown or StatusCode.DeadlineExceeded
        or StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss;

    /// <summary>Writes a unary reply and the OK status; the response is flushed once, when the request ends.</summary>
    protected StatusCode WriteUnaryReply<TResponse>(HttpContext httpContext, ServerCallContext call, TResponse? reply)
        where TResponse : class, IMessage<TResponse>
    {
        if (!call.TryClaimCompletion())
        {
            return StatusCode.DeadlineExceeded;
        }

        var response = httpContext.Response;
        if (reply is null)
        {
            WriteStatus(response, StatusCode.Internal, "Handler returned no response message.", call.ResponseTrailers);
            return StatusCode.Internal;
        }

        var size = reply.CalculateSize();
        if (size > Options.MaxSendMessageSize)
        {
            var detail = $"Sending message exceeds the maximum configured message size ({size} > {Options.MaxSendMessageSize} bytes).";
            WriteStatus(response, StatusCode.ResourceExhausted, detail, call.ResponseTrailers);
            return StatusCode.ResourceExhausted;
        }

        try
        {
            GrpcProtocol.WriteFrame(response.BodyWriter, reply, size);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Part of a frame may be buffered; no status can follow it coherently, so reset the stream.
            ServerLog.ResponseWriteFailed(Logger, MethodPath, ex);
            httpContext.Abort();
            return StatusCode.Internal;
        }

        WriteStatus(response, StatusCode.OK, null, call.ResponseTrailers);
        return StatusCode.OK;
    }
}

internal sealed class UnaryServerCallHandler<TService, TRequest, TResponse> : ServerCallHandler
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Func<TService, TRequest, ServerCallContext, Task<TResponse>> _invoker;
    private readonly MessageParser<TRequest> _parser;

    public UnaryServerCallHandler(
        Func<TService, TRequest, ServerCallContext, Task<TResponse>> invoker,
        MethodDescriptor method,
        GrpcServerOptions options,
        ILogger logger)
        : base(method, options, logger)
    {
        _invoker = invoker;
        _parser = (MessageParser<TRequest>)method.InputType.Parser;
    }

    protected override async Task<StatusCode> InvokeAsync(HttpContext httpContext, ServerCallContext call)
    {
        var request = await ServerMessageReader
            .ReadSingleAsync(httpContext, _parser, Options.MaxReceiveMessageSize, call.CancellationToken)
            .ConfigureAwait(false);
        var service = ResolveService<TService>(httpContext);
        var reply = await _invoker(service, request, call).ConfigureAwait(false);
        return WriteUnaryReply(httpContext, call, reply);
    }
}

internal sealed class ServerStreamingServerCallHandler<TService, TRequest, TResponse> : ServerCallHandler
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> _invoker;
    private readonly MessageParser<TRequest> _parser;

    public ServerStreamingServerCallHandler(
        Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker,
        MethodDescriptor method,
        GrpcServerOptions options,
        ILogger logger)
        : base(method, options, logger)
    {
        _invoker = invoker;
        _parser = (MessageParser<TRequest>)method.InputType.Parser;
    }

    protected override async Task<StatusCode> InvokeAsync(HttpContext httpContext, ServerCallContext call)
    {
        var request = await ServerMessageReader
            .ReadSingleAsync(httpContext, _parser, Options.MaxReceiveMessageSize, call.CancellationToken)
            .ConfigureAwait(false);
        var service = ResolveService<TService>(httpContext);
        var writer = new ServerStreamWriter<TResponse>(call, httpContext.Response.BodyWriter, Options.MaxSendMessageSize);
        await _invoker(service, request, writer, call).ConfigureAwait(false);
        if (!call.TryClaimCompletion())
        {
            return StatusCode.DeadlineExceeded;
        }

        WriteStatus(httpContext.Response, StatusCode.OK, null, call.ResponseTrailers);
        return StatusCode.OK;
    }
}
