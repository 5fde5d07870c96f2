using Governance.Domain;
using Governance.Domain.Incidents;

namespace Governance.Incidents.Worklists;

/// <summary>
/// Who sees which incident, and which incidents are in whose worklist (待办). Pure: the same answers for a list, a
/// live change and a replay from the log.
/// </summary>
public static class WorklistRules
{
    /// <summary>States in which the incident waits for a command centre: to register, re-dispatch, verify or close.</summary>
    public static readonly IReadOnlySet<IncidentState> CenterStates = new HashSet<IncidentState>
    {
        IncidentState.Reported,
        IncidentState.Registered,
        IncidentState.Returned,
        IncidentState.Handled,
        IncidentState.Verified,
    };

    /// <summary>The most specific region the incident lies in: its grid, else its township, else its county.</summary>
    public static string RegionOf(Incident incident) => incident.GridCode ?? incident.TownshipCode ?? incident.CountyCode;

    /// <summary>
    /// A grid worker reads its own reports; a department what it was ever sent; a township office its township; the
    /// county centre, leaders and administrators their region. Nobody else (citizens, the system) reads worklists.
    /// </summary>
    public static bool CanSee(WorklistViewer viewer, Incident incident) => viewer.Role switch
    {
        ActorRole.GridWorker => incident.Reporter.SubjectId == viewer.Subject,
        ActorRole.DepartmentHandler => viewer.DepartmentCode is { } department && incident.InvolvesDepartment(department),
        ActorRole.TownshipOffice => viewer.Covers(incident.TownshipCode),
        ActorRole.CountyCenter or ActorRole.Leader or ActorRole.Administrator => viewer.Covers(RegionOf(incident)),
        _ => false,
    };

    /// <summary>
    /// Whether the incident waits for this viewer to act (or, for leaders and administrators, is simply open in their
    /// region). A township office stops seeing one it escalated in its worklist: the county centre has it then.
    /// </summary>
    public static bool InWorklist(WorklistViewer viewer, Incident incident)
    {
        if (!CanSee(viewer, incident))
        {
            return false;
        }
        return viewer.Role switch
        {
            ActorRole.DepartmentHandler => incident.IsOpen
                && incident.ActiveAssignmentOf(viewer.DepartmentCode!)?.State is AssignmentState.Dispatched or AssignmentState.Accepted,
            ActorRole.TownshipOffice => !incident.Escalated && CenterStates.Contains(incident.State),
            ActorRole.CountyCenter => CenterStates.Contains(incident.State) || incident.State == IncidentState.Escalated,
            ActorRole.GridWorker or ActorRole.Leader or ActorRole.Administrator => incident.IsOpen,
            _ => false,
        };
    }

    /// <summary>
    /// What one event means for one watcher: entering, staying in (changed) or leaving its worklist; null when the
    /// incident was out of the worklist before and after. <paramref name="regionCode"/> narrows a watch to part of
    /// the viewer's scope.
    /// </summary>
    public static WorklistChange? Change(WorklistViewer viewer, string? regionCode, IncidentChange change)
    {
        var before = change.Before is { } b && InWatchedWorklist(viewer, regionCode, b);
        var after = InWatchedWorklist(viewer, regionCode, change.After);
        return before || after ? new WorklistChange(change.Position, change.After, after, change.EventType) : null;
    }

    public static bool InWatchedWorklist(WorklistViewer viewer, string? regionCode, Incident incident) =>
        (string.IsNullOrEmpty(regionCode) || RegionOf(incident).StartsWith(regionCode, StringComparison.Ordinal)) && InWorklist(viewer, incident);
}

/// <summary>One event of the incident category, with the incident before it (null for the report) and after it.</summary>
public sealed record IncidentChange(long Position, string EventType, Incident? Before, Incident After);

/// <summary>A change to one watcher's worklist: the incident after the event and whether it is in the worklist now.</summary>
public sealed record WorklistChange(long Position, Incident Incident, bool InWorklist, string EventType)
{
    public const string SnapshotEventType = "snapshot";
}
