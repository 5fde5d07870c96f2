using Governance.Domain;
using Governance.Grpc;

namespace Governance.Incidents.Security;

// Interim shape agreed with the authentication branch, which replaces this file when it merges.
public sealed record Caller(string Subject, ActorRole Role, IReadOnlyList<string> RegionCodes, string? DepartmentCode, string? Client)
{
    public Actor Actor => new(Subject, Role);

    public bool Covers(string? regionCode) =>
        regionCode is not null && RegionCodes.Any(code => regionCode.StartsWith(code, StringComparison.Ordinal));
}

public static class Callers
{
    public static Caller RequireCaller(this ServerCallContext context) =>
        throw new RpcException(StatusCode.Unauthenticated, $"{context.Method}: authentication is not wired yet.");

    public static RpcException Deny(this ServerCallContext context, Caller caller, string reason) =>
        new(StatusCode.PermissionDenied, $"{caller.Subject}: {reason}");
}
