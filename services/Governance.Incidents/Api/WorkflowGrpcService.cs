using System.Diagnostics;
using System.Runtime.CompilerServices;
using Governance.Contracts.V1;
using WorkingCalendar = Governance.Domain.Calendar.WorkingCalendar;
using Governance.Domain.Incidents;
using Governance.Grpc;
using Governance.Incidents.Registry;
using Governance.Incidents.Reporting;
using Governance.Security;
using Governance.Incidents.Storage;
using Governance.Incidents.Workflow;
using Microsoft.Extensions.Logging;
using Incident = Governance.Domain.Incidents.Incident;

namespace Governance.Incidents.Api;

/// <summary>
/// governance.v1.WorkflowService: each RPC checks the caller's token and scope against the incident as stored, then
/// decides the step on that same state and appends it with the caller's expected version.
/// </summary>
public sealed class WorkflowGrpcService(IncidentStore incidents, RegistryCache registry, WorkingCalendar calendar, TimeProvider clock,
    ILogger<WorkflowGrpcService> logger)
{
    public async Task<RegisterIncidentResponse> RegisterIncident(RegisterIncidentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.CommandCenter(context, caller, state, "register"),
            (caller, state, now) => new Domain.Incidents.RegisterIncident(state.Id, request.Note, caller.Actor, now));
        return new RegisterIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<RejectIncidentResponse> RejectIncident(RejectIncidentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.CommandCenter(context, caller, state, "reject"),
            (caller, state, now) => new Domain.Incidents.RejectIncident(state.Id, request.Reason, caller.Actor, now));
        return new RejectIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    /// <summary>
    /// Merging writes two streams, so it is ordered for safety: the target is checked first (it must exist, be open
    /// and be the caller's), then the duplicate is marked merged (with the caller's expected version), then the target
    /// records the duplicate. Both steps are idempotent, so a retry after a failure between them completes the link.
    /// </summary>
    public async Task<MergeIncidentResponse> MergeIncident(MergeIncidentRequest request, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        RequireIncidentId(request.IntoIncidentId, "into_incident_id");
        var target = await incidents.GetAsync(request.IntoIncidentId, context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"Incident {request.IntoIncidentId} (into_incident_id) does not exist.");
        WorkflowAccess.CommandCenter(context, caller, target, "merge into");
        var now = clock.GetUtcNow();
        // Refuses a merge into a closed or merged incident before anything is written.
        IncidentDecider.Decide(target, new RecordMergedDuplicate(target.Id, request.IncidentId, caller.Actor, now), calendar);

        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (c, state) => WorkflowAccess.CommandCenter(context, c, state, "merge"),
            (c, state, at) => new Domain.Incidents.MergeIncident(state.Id, request.IntoIncidentId, request.Note, c.Actor, at));
        try
        {
            await incidents.ExecuteAsync(target.Id, null,
                state => IncidentDecider.Decide(state, new RecordMergedDuplicate(state.Id, incident.Id, caller.Actor, now), calendar),
                null, IncidentStore.Metadata(caller.Client, context.Peer), context.CancellationToken);
        }
        catch (Exception e) when (e is Domain.DomainException or RpcException)
        {
            // The duplicate is merged; only the back link is missing. Calling MergeIncident again adds it.
            logger.LogWarning(e, "Incident {Duplicate} was merged into {Target}, but the target did not record it", incident.Id, target.Id);
            throw new RpcException(StatusCode.Unavailable,
                $"Incident {incident.Id} is merged into {target.Id}, but {target.Id} could not record it yet ({e.Message}); call MergeIncident again to complete it.");
        }
        return new MergeIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<DispatchIncidentResponse> DispatchIncident(DispatchIncidentRequest request, ServerCallContext context)
    {
        var snapshot = registry.Current.Snapshot;
        var lead = FindDepartment(snapshot, request.LeadDepartmentCode, "lead_department_code");
        var assisting = request.AssistingDepartmentCodes.Select((code, i) => FindDepartment(snapshot, code, $"assisting_department_codes[{i}]")).ToList();
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) =>
            {
                WorkflowAccess.CommandCenter(context, caller, state, "dispatch");
                WorkflowAccess.DispatchTargets(context, caller, state, assisting.Prepend(lead));
            },
            (caller, state, now) => new Domain.Incidents.DispatchIncident(state.Id, lead, assisting, request.Note, caller.Actor, now));
        return new DispatchIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<SignAssignmentResponse> SignAssignment(SignAssignmentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.Department(context, caller, state, "sign for"),
            (caller, state, now) => new Domain.Incidents.SignAssignment(state.Id, caller.DepartmentCode!, caller.Actor, now));
        return new SignAssignmentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<ReturnAssignmentResponse> ReturnAssignment(ReturnAssignmentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.Department(context, caller, state, "return"),
            (caller, state, now) => new Domain.Incidents.ReturnAssignment(state.Id, caller.DepartmentCode!, request.Reason, caller.Actor, now));
        return new ReturnAssignmentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<ReportProgressResponse> ReportProgress(ReportProgressRequest request, ServerCallContext context)
    {
        var photos = ReportValidation.ToDomain(request.Photos, "photos");
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.Department(context, caller, state, "report progress on"),
            (caller, state, now) => new Domain.Incidents.ReportProgress(state.Id, caller.DepartmentCode!, request.Note, photos, caller.Actor, now));
        return new ReportProgressResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<ReportHandledResponse> ReportHandled(ReportHandledRequest request, ServerCallContext context)
    {
        var photos = ReportValidation.ToDomain(request.Photos, "photos");
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.Department(context, caller, state, "report handled"),
            (caller, state, now) => new Domain.Incidents.ReportHandled(state.Id, caller.DepartmentCode!, request.Notes, photos, caller.Actor, now));
        return new ReportHandledResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<VerifyIncidentResponse> VerifyIncident(VerifyIncidentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.Verifier(context, caller, state),
            (caller, state, now) => new Domain.Incidents.VerifyIncident(state.Id, request.Passed, request.Note, caller.Actor, now));
        return new VerifyIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<CloseIncidentResponse> CloseIncident(CloseIncidentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.CommandCenter(context, caller, state, "close"),
            (caller, state, now) => new Domain.Incidents.CloseIncident(state.Id, request.Note, caller.Actor, now));
        return new CloseIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<ReopenIncidentResponse> ReopenIncident(ReopenIncidentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.CommandCenter(context, caller, state, "reopen"),
            (caller, state, now) => new Domain.Incidents.ReopenIncident(state.Id, request.Reason, caller.Actor, now));
        return new ReopenIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<EscalateIncidentResponse> EscalateIncident(EscalateIncidentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.TownshipOffice(context, caller, state, "escalate"),
            (caller, state, now) => new Domain.Incidents.EscalateIncident(state.Id, request.Reason, caller.Actor, now));
        return new EscalateIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<SuperviseIncidentResponse> SuperviseIncident(SuperviseIncidentRequest request, ServerCallContext context)
    {
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.CommandCenter(context, caller, state, "supervise"),
            (caller, state, now) => new Domain.Incidents.SuperviseIncident(state.Id, request.Note, caller.Actor, now));
        return new SuperviseIncidentResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<RequestExtensionResponse> RequestExtension(RequestExtensionRequest request, ServerCallContext context)
    {
        var extra = ToDomain(request.Extra);
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.Department(context, caller, state, "ask for an extension on"),
            (caller, state, now) => new Domain.Incidents.RequestExtension(state.Id, caller.DepartmentCode!, extra, request.Reason, caller.Actor, now));
        return new RequestExtensionResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<DecideExtensionResponse> DecideExtension(DecideExtensionRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.DepartmentCode))
            throw ReportValidation.Invalid("department_code is required: the department whose extension request is decided.");
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.CommandCenter(context, caller, state, "decide an extension of"),
            (caller, state, now) => new Domain.Incidents.DecideExtension(state.Id, request.DepartmentCode, request.Approve, request.Note, caller.Actor, now));
        return new DecideExtensionResponse { Incident = Map(incident), Changed = changed };
    }

    public async Task<ResolveOnSpotResponse> ResolveOnSpot(ResolveOnSpotRequest request, ServerCallContext context)
    {
        var photos = ReportValidation.ToDomain(request.Photos, "photos");
        var (incident, changed) = await RunAsync(context, request.IncidentId, request.ExpectedVersion,
            (caller, state) => WorkflowAccess.ReportingGridWorker(context, caller, state, "resolve on the spot"),
            (caller, state, now) => new Domain.Incidents.ResolveOnSpot(state.Id, request.Notes, photos, caller.Actor, now));
        return new ResolveOnSpotResponse { Incident = Map(incident), Changed = changed };
    }

    private async Task<(Incident Incident, bool Changed)> RunAsync(
        ServerCallContext context,
        string incidentId,
        long expectedVersion,
        Action<Caller, Incident> authorize,
        Func<Caller, Incident, DateTimeOffset, IIncidentCommand> command,
        [CallerMemberName] string commandName = "")
    {
        // governance.command.duration, named for the RPC; MergeIncident's second write (the back link) is not in it.
        var started = Stopwatch.GetTimestamp();
        try
        {
            var caller = context.RequireCaller();
            RequireIncidentId(incidentId, "incident_id");
            if (expectedVersion < 1)
                throw ReportValidation.Invalid("expected_version is required: the incident's version as you last read it (GetIncident or the last response).");
            var now = clock.GetUtcNow();
            var result = await incidents.ExecuteAsync(incidentId, expectedVersion,
                state => IncidentDecider.Decide(state, command(caller, state, now), calendar),
                state => authorize(caller, state),
                IncidentStore.Metadata(caller.Client, context.Peer),
                context.CancellationToken).ConfigureAwait(false);
            IncidentsTelemetry.RecordCommand(commandName, started, result.Changed ? "changed" : "unchanged");
            return result;
        }
        catch (Exception e)
        {
            IncidentsTelemetry.RecordCommand(commandName, started, e);
            throw;
        }
    }

    private static void RequireIncidentId(string incidentId, string field)
    {
        if (!IncidentIds.IsWellFormed(incidentId))
            throw ReportValidation.Invalid($"{field} '{incidentId}' is not an incident id (32 lowercase hex characters, as ReportIncident returned it).");
    }

    private static Domain.Registry.Department FindDepartment(Domain.Routing.RegistrySnapshot snapshot, string code, string field)
    {
        if (string.IsNullOrWhiteSpace(code))
            throw ReportValidation.Invalid($"{field} is required.");
        return snapshot.FindDepartment(code)
            ?? throw new RpcException(StatusCode.NotFound, $"{field}: department '{code}' is not defined; call ListDepartments for the valid codes.");
    }

    private static Domain.Calendar.TimeLimit ToDomain(Contracts.V1.TimeLimit? limit)
    {
        if (limit is null)
            throw ReportValidation.Invalid("extra is required: how much more time, e.g. {amount: 2, unit: TIME_LIMIT_UNIT_WORKING_DAYS}.");
        var unit = limit.Unit switch
        {
            Contracts.V1.TimeLimitUnit.WorkingHours => Domain.Calendar.TimeLimitUnit.WorkingHours,
            Contracts.V1.TimeLimitUnit.WorkingDays => Domain.Calendar.TimeLimitUnit.WorkingDays,
            Contracts.V1.TimeLimitUnit.NaturalHours => Domain.Calendar.TimeLimitUnit.NaturalHours,
            _ => throw ReportValidation.Invalid("extra.unit is required: working hours, working days or natural hours."),
        };
        return new Domain.Calendar.TimeLimit(limit.Amount, unit);
    }

    private Contracts.V1.Incident Map(Incident incident) =>
        ContractMapping.ToContract(incident, Geography.CoordinateSystem.Wgs84, registry.Current, clock.GetUtcNow());
}
