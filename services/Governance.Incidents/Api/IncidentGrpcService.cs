using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Registry;
using Governance.Incidents.Reporting;
using Governance.Security;
using Governance.Incidents.Storage;
using Governance.Incidents.Workflow;

namespace Governance.Incidents.Api;

/// <summary>governance.v1.IncidentService, bound by name from the protoc descriptor.</summary>
public sealed class IncidentGrpcService(ReportingService reporting, IncidentStore incidents, RegistryCache registry, TimeProvider clock)
{
    public async Task<ReportIncidentResponse> ReportIncident(ReportIncidentRequest request, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        if (!string.Equals(request.ReporterId, caller.Subject, StringComparison.Ordinal))
        {
            // The reporter id is the idempotency scope and the audit's "who"; a caller reports only as itself.
            throw context.Deny(caller, $"reporter_id '{request.ReporterId}' is not the token's subject '{caller.Subject}'; report under your own id.");
        }
        var (incident, created) = await reporting.ReportAsync(request, caller.Actor, caller.Client, context.Peer,
            routing => WorkflowAccess.Reporter(context, caller, request.Channel, routing), context.CancellationToken);
        return new ReportIncidentResponse
        {
            Incident = ContractMapping.ToContract(incident, Geography.CoordinateSystem.Wgs84, registry.Current, clock.GetUtcNow()),
            Created = created,
        };
    }

    public async Task<GetIncidentResponse> GetIncident(GetIncidentRequest request, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        if (!IncidentIds.IsWellFormed(request.IncidentId))
        {
            throw new RpcException(StatusCode.InvalidArgument,
                $"incident_id '{request.IncidentId}' is not an incident id (32 lowercase hex characters, as ReportIncident returned it).");
        }
        var incident = await incidents.GetAsync(request.IncidentId, context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"Incident {request.IncidentId} does not exist.");
        if (!WorkflowAccess.CanRead(caller, incident))
        {
            throw context.Deny(caller, $"incident {incident.Id} is outside what your role ({caller.Role}) and scope may read.");
        }
        return new GetIncidentResponse
        {
            Incident = ContractMapping.ToContract(incident, ReportValidation.OutputCrs(request.CoordinateSystem), registry.Current, clock.GetUtcNow()),
        };
    }
}
