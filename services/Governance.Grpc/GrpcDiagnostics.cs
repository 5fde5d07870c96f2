using System.Diagnostics;

namespace Governance.Grpc;

/// <summary>Names to subscribe to, e.g. <c>tracing.AddSource(GrpcDiagnostics.ActivitySourceName)</c>.</summary>
public static class GrpcDiagnostics
{
    public const string ActivitySourceName = "Governance.Grpc";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
