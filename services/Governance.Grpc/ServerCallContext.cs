using System.Globalization;
using System.Net.Sockets;
using Governance.Grpc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Governance.Grpc;

/// <summary>
/// What a handler knows about the call in progress. One instance per call; it also carries the small state machine
/// that decides whether the handler or an expiring deadline writes the final status.
/// </summary>
public sealed class ServerCallContext
{
    private const int StateRunning = 0;
    private const int StateWriting = 1;
    private const int StateCompleted = 2;

    private readonly ILogger _logger;
    private Dictionary<string, string>? _responseTrailers;
    private CancellationTokenSource? _deadlineSource;
    private CancellationTokenRegistration _deadlineRegistration;
    private int _state;
    private volatile bool _deadlineFired;
    private Task? _deadlineCompletion;
    private string? _peer;

    internal ServerCallContext(HttpContext httpContext, string method, ILogger logger)
    {
        HttpContext = httpContext;
        Method = method;
        _logger = logger;
        CancellationToken = httpContext.RequestAborted;
    }

    /// <summary>The full method name, "/package.Service/Method".</summary>
    public string Method { get; }

    /// <summary>When the client's grpc-timeout runs out; null when the client set none.</summary>
    public DateTimeOffset? Deadline { get; private set; }

    /// <summary>Cancelled when the client resets the stream or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; private set; }

    public HttpContext HttpContext { get; }

    public IHeaderDictionary RequestHeaders => HttpContext.Request.Headers;

    /// <summary>The remote end in gRPC's form, e.g. "ipv4:127.0.0.1:50312".</summary>
    public string Peer => _peer ??= FormatPeer(HttpContext.Connection);

    internal bool DeadlineFired => _deadlineFired;

    internal IReadOnlyDictionary<string, string>? ResponseTrailers => _responseTrailers;

    /// <summary>Adds a trailer sent with the final status, whether the call succeeds or fails.</summary>
    public void SetResponseTrailer(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        var name = key.ToLowerInvariant();
        if (name is GrpcProtocol.StatusTrailer or GrpcProtocol.MessageTrailer)
        {
            throw new ArgumentException($"'{name}' is set by the server itself.", nameof(key));
        }

        if (!GrpcProtocol.IsValidMetadata(name, value))
        {
            throw new ArgumentException(
                $"Trailer '{key}' cannot be sent: names take letters, digits, '-', '_' and '.', values printable ASCII.", nameof(value));
        }

        (_responseTrailers ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
    }

    /// <summary>Reads grpc-timeout and, when present, arms the deadline. Call after the response headers are set.</summary>
    internal void StartDeadline()
    {
        if (!HttpContext.Request.Headers.TryGetValue(GrpcProtocol.TimeoutHeader, out var values)
            || values.Count != 1
            || !GrpcProtocol.TryParseTimeout(values[0], out var timeout))
        {
            return;
        }

        // CancelAfter takes at most ~49 days; a longer timeout is effectively none.
        const long maxTimerMilliseconds = uint.MaxValue - 1;
        if (timeout.TotalMilliseconds >= maxTimerMilliseconds)
        {
            return;
        }

        Deadline = DateTimeOffset.UtcNow + timeout;
        _deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted);
        CancellationToken = _deadlineSource.Token;
        _deadlineRegistration = _deadlineSource.Token.UnsafeRegister(static state => ((ServerCallContext)state!).OnCancelled(), this);
        _deadlineSource.CancelAfter(timeout);
    }

    private void OnCancelled()
    {
        // The linked source also fires on client abort; only a cancellation the client did not cause is a deadline.
        if (HttpContext.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        _deadlineFired = true;
        if (TryClaimCompletion())
        {
            _deadlineCompletion = CompleteWithDeadlineAsync();
        }
    }

    private async Task CompleteWithDeadlineAsync()
    {
        try
        {
            // The handler may still be running; answering now lets the client see DEADLINE_EXCEEDED on time.
            var response = HttpContext.Response;
            response.AppendTrailer(GrpcProtocol.StatusTrailer, GrpcProtocol.StatusString(StatusCode.DeadlineExceeded));
            response.AppendTrailer(GrpcProtocol.MessageTrailer, "Deadline Exceeded");
            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ServerLog.DeadlineCompletionFailed(_logger, Method, ex);
        }
    }

    /// <summary>True for exactly one caller: the one that gets to write the final status.</summary>
    internal bool TryClaimCompletion() => Interlocked.CompareExchange(ref _state, StateCompleted, StateRunning) == StateRunning;

    internal void BeginWrite()
    {
        var previous = Interlocked.CompareExchange(ref _state, StateWriting, StateRunning);
        if (previous == StateWriting)
        {
            throw new InvalidOperationException("A write is already in progress; await each WriteAsync before the next.");
        }

        if (previous == StateCompleted)
        {
            CancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException("The call has already completed.");
        }
    }

    internal void EndWrite()
    {
        Volatile.Write(ref _state, StateRunning);

        // A deadline that fired mid-write could not complete the response; do it on its behalf now.
        if (_deadlineFired && TryClaimCompletion())
        {
            _deadlineCompletion = CompleteWithDeadlineAsync();
        }
    }

    internal async ValueTask DisposeAsync()
    {
        if (_deadlineSource is null)
        {
            return;
        }

        // Dispose waits for a callback already running, so _deadlineCompletion is settled after it.
        await _deadlineRegistration.DisposeAsync().ConfigureAwait(false);
        var completion = Volatile.Read(ref _deadlineCompletion);
        if (completion is not null)
        {
            await completion.ConfigureAwait(false);
        }

        _deadlineSource.Dispose();
    }

    private static string FormatPeer(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        var port = connection.RemotePort.ToString(CultureInfo.InvariantCulture);
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{port}"
            : $"ipv4:{address}:{port}";
    }
}
