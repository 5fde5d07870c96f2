using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.Grpc;
using Governance.Incidents.Api;
using Governance.Security;
using Governance.Incidents.Worklists;

namespace Governance.Incidents.Workflow;

/// <summary>
/// Who may take which step on which incident. The role and scope come from the caller's token; the incident's
/// place (grid, township, county) and its assignments come from its stream. A step outside them is refused with
/// PERMISSION_DENIED and logged, before anything is decided, so a refused caller learns nothing about the state.
/// </summary>
internal static class WorkflowAccess
{
    /// <summary>The most specific region an incident lies in: a township scope covers its grids, a county its townships.</summary>
    public static string RegionOf(Incident incident) => WorklistRules.RegionOf(incident);

    /// <summary>
    /// The command center for this incident: the county center whose scope covers it, or the information-command office
    /// of its township while the township still has it (not escalated).
    /// </summary>
    public static void CommandCenter(ServerCallContext context, Caller caller, Incident incident, string step)
    {
        if (IsCommandCenterFor(caller, incident))
            return;
        throw context.Deny(caller, caller.Role switch
        {
            ActorRole.TownshipOffice when incident.Escalated =>
                $"incident {incident.Id} was escalated to the county center; a township office can no longer {step} it.",
            ActorRole.TownshipOffice or ActorRole.CountyCenter => $"incident {incident.Id} lies in {RegionOf(incident)}, outside your region; you cannot {step} it.",
            _ => $"only a command center (county center or township office) may {step} an incident; your role is {caller.Role}.",
        });
    }

    public static bool IsCommandCenterFor(Caller caller, Incident incident) => caller.Role switch
    {
        ActorRole.CountyCenter => caller.Covers(RegionOf(incident)),
        ActorRole.TownshipOffice => incident.TownshipCode is { } township && caller.Covers(township) && !incident.Escalated,
        _ => false,
    };

    public static void CountyCenter(ServerCallContext context, Caller caller, Incident incident, string step)
    {
        if (caller.Role == ActorRole.CountyCenter && caller.Covers(RegionOf(incident)))
            return;
        throw context.Deny(caller, $"only the county center of {incident.CountyCode} may {step} incident {incident.Id}.");
    }

    public static void TownshipOffice(ServerCallContext context, Caller caller, Incident incident, string step)
    {
        if (caller.Role == ActorRole.TownshipOffice && incident.TownshipCode is { } township && caller.Covers(township))
            return;
        throw context.Deny(caller, $"only the information-command office of the incident's township ({incident.TownshipCode ?? "none"}) may {step} incident {incident.Id}.");
    }

    /// <summary>A department handler acts for the department in its token, and only on incidents sent to it.</summary>
    public static string Department(ServerCallContext context, Caller caller, Incident incident, string step)
    {
        if (caller.Role != ActorRole.DepartmentHandler || caller.DepartmentCode is not { } department)
            throw context.Deny(caller, $"only a department handler may {step}; your role is {caller.Role}.");
        if (!incident.InvolvesDepartment(department))
            throw context.Deny(caller, $"incident {incident.Id} was never assigned to your department {department}; you cannot {step} it.");
        return department;
    }

    /// <summary>核查 on site: the command center, or the grid worker who reported it (the domain checks the reporter).</summary>
    public static void Verifier(ServerCallContext context, Caller caller, Incident incident)
    {
        if (IsCommandCenterFor(caller, incident) || IsReporterInScope(caller, incident))
            return;
        throw context.Deny(caller, $"only the command center or the grid worker who reported incident {incident.Id} may verify it.");
    }

    public static void ReportingGridWorker(ServerCallContext context, Caller caller, Incident incident, string step)
    {
        if (IsReporterInScope(caller, incident))
            return;
        throw context.Deny(caller, caller.Role == ActorRole.GridWorker && caller.Subject == incident.Reporter.SubjectId
            ? $"incident {incident.Id} lies in grid {incident.GridCode ?? "none"}, which you do not serve; you cannot {step} it."
            : $"only the grid worker who reported incident {incident.Id} may {step} it.");
    }

    private static bool IsReporterInScope(Caller caller, Incident incident) =>
        caller.Role == ActorRole.GridWorker && caller.Subject == incident.Reporter.SubjectId && caller.Covers(incident.GridCode);

    /// <summary>
    /// A township office dispatches within its township (its own platform offices); county bureaus are reached through
    /// the county center, by escalating.
    /// </summary>
    public static void DispatchTargets(ServerCallContext context, Caller caller, Incident incident, IEnumerable<Department> departments)
    {
        if (caller.Role != ActorRole.TownshipOffice)
            return;
        foreach (var department in departments)
        {
            if (department.OwningRegionCode != incident.TownshipCode)
                throw context.Deny(caller, $"a township office dispatches only to its township's departments; {department.Code} {department.Name} is not one. Escalate to the county center to involve county bureaus.");
        }
    }

    /// <summary>
    /// Who may report where: a grid worker from the app, in the grids it serves; a command center for the hotline,
    /// citizens and sensors, inside its region. Departments and leaders do not report.
    /// </summary>
    public static void Reporter(ServerCallContext context, Caller caller, Contracts.V1.Channel channel, RoutingOutcome routing)
    {
        var place = routing.GridCode ?? routing.TownshipCode ?? routing.CountyCode;
        switch (caller.Role)
        {
            case ActorRole.GridWorker when channel != Contracts.V1.Channel.App:
                throw context.Deny(caller, $"a grid worker reports through the app (CHANNEL_APP), not {channel}.");
            // Outside every grid (the county center takes it) only a worker whose scope is the whole county may report.
            case ActorRole.GridWorker when !caller.Covers(place):
                throw context.Deny(caller, routing.GridCode is null
                    ? $"the point lies outside every grid of {routing.CountyCode}; a grid worker reports only in the grids it serves."
                    : $"the point lies in grid {routing.GridCode}, which you do not serve; report only in your own grids.");
            case ActorRole.GridWorker:
                return;
            case ActorRole.CountyCenter or ActorRole.TownshipOffice when channel == Contracts.V1.Channel.App:
                throw context.Deny(caller, "CHANNEL_APP is the grid workers' app; a command center records hotline, citizen and sensor reports.");
            case ActorRole.CountyCenter or ActorRole.TownshipOffice when !caller.Covers(place):
                throw context.Deny(caller, $"the point lies in {place}, outside your region.");
            case ActorRole.CountyCenter or ActorRole.TownshipOffice:
                return;
            default:
                throw context.Deny(caller, $"a {caller.Role} does not report incidents; grid workers and command centers do.");
        }
    }

    /// <summary>Who may read an incident: the same rule as its worklists (see <see cref="WorklistRules.CanSee"/>).</summary>
    public static bool CanRead(Caller caller, Incident incident) => WorklistRules.CanSee(WorklistGrpcService.ViewerOf(caller), incident);
}
