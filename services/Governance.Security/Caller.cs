using Governance.Grpc;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.Security;

/// <summary>
/// Who is calling, from a validated bearer token: the subject and role recorded on every event, the regions the
/// caller may act in, the department of a department handler, and the client's self-description for the audit trail.
/// </summary>
public sealed record Caller(string Subject, Governance.Domain.ActorRole Role, IReadOnlyList<string> RegionCodes, string? DepartmentCode, string? Client)
{
    public Governance.Domain.Actor Actor => new(Subject, Role);

    /// <summary>True when some region code of the caller is a prefix of (or equal to) regionCode.</summary>
    public bool Covers(string? regionCode) => Governance.Domain.Regions.RegionScope.Covers(RegionCodes, regionCode);
}

public static partial class Callers
{
    private const int MaxClientLength = 128;

    /// <summary>
    /// The authenticated caller of this call, or throws RpcException(StatusCode.Unauthenticated, reason) with a
    /// reason a client developer can act on: no token, expired at ..., bad signature, wrong issuer, bad claim X.
    /// </summary>
    public static Caller RequireCaller(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.HttpContext.RequireCaller();
    }

    /// <summary>
    /// The same verdict for a plain HTTP request (the JSON routes): the RpcException's status tells the route which
    /// HTTP status to answer with.
    /// </summary>
    public static Caller RequireCaller(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var items = http.Items;
        if (items.TryGetValue(AuthenticationItems.CallerWithClient, out var known) && known is Caller cached)
        {
            return cached;
        }
        if (items.TryGetValue(AuthenticationItems.Caller, out var validated) && validated is Caller caller)
        {
            var withClient = caller with { Client = ClientOf(http.Request.Headers) };
            items[AuthenticationItems.CallerWithClient] = withClient;
            return withClient;
        }
        if (items.TryGetValue(AuthenticationItems.Failure, out var failure) && failure is string reason)
        {
            throw Unauthenticated(reason);
        }

        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count == 0 || string.IsNullOrWhiteSpace(authorization[0]))
        {
            throw Unauthenticated("no token: send the metadata 'authorization: Bearer <token>' (for a development host, 'governance token' prints one)");
        }
        var value = authorization[0]!.Trim();
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthenticated("the authorization metadata is not a bearer token; send 'authorization: Bearer <token>'");
        }
        if (value.Length <= "Bearer ".Length || string.IsNullOrWhiteSpace(value["Bearer ".Length..]))
        {
            throw Unauthenticated("the bearer token is empty; send 'authorization: Bearer <token>'");
        }
        // A token arrived but nothing judged it: the host lacks app.UseAuthentication(). Refuse rather than trust it.
        throw Unauthenticated("the token was not checked: this host does not run authentication (app.UseAuthentication())");
    }

    /// <summary>Logs the refused attempt (subject, role, method, reason) at Warning and returns RpcException(StatusCode.PermissionDenied, reason) to throw.</summary>
    public static RpcException Deny(this ServerCallContext context, Caller caller, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.HttpContext.Deny(caller, context.Method, reason);
    }

    /// <summary>Like the gRPC overload, for a plain HTTP request; <paramref name="method"/> names what was refused.</summary>
    public static RpcException Deny(this HttpContext http, Caller caller, string method, string reason)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(caller);
        var logger = http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(LogCategory);
        if (logger is not null)
        {
            Denied(logger, caller.Subject, caller.Role, method, reason, caller.Client);
        }
        return new RpcException(StatusCode.PermissionDenied, reason);
    }

    internal const string LogCategory = "Governance.Security";

    private static RpcException Unauthenticated(string reason) => new(StatusCode.Unauthenticated, reason);

    private static string? ClientOf(IHeaderDictionary headers)
    {
        var client = headers["x-client"].FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
            ?? headers.UserAgent.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (client is null)
        {
            return null;
        }
        client = client.Trim();
        return client.Length > MaxClientLength ? client[..MaxClientLength] : client;
    }

    [LoggerMessage(1, LogLevel.Warning, "Refused {Subject} ({Role}) on {Method}: {Reason} (client {Client})")]
    private static partial void Denied(ILogger logger, string subject, Governance.Domain.ActorRole role, string method, string reason, string? client);
}

/// <summary>Where authentication leaves its verdict for <see cref="Callers.RequireCaller(Microsoft.AspNetCore.Http.HttpContext)"/> to read.</summary>
internal static class AuthenticationItems
{
    public static readonly object Caller = new();
    public static readonly object CallerWithClient = new();
    public static readonly object Failure = new();
}
