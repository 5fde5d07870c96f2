using System.Collections.Immutable;
using Governance.Domain.Routing;

namespace Governance.Domain.Incidents;

/// <summary>The incident as folded from its stream: what GetIncident shows and what the next decision starts from.</summary>
public sealed record Incident
{
    public required string Id { get; init; }

    public required IncidentState State { get; init; }

    public required Actor Reporter { get; init; }

    public required string ClientReportId { get; init; }

    public required ReportChannel Channel { get; init; }

    public required CategorySnapshot Category { get; init; }

    public required string Description { get; init; }

    public required GeoLocation Location { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required DateTimeOffset ReportedAt { get; init; }

    public required IReadOnlyList<PhotoMetadata> Photos { get; init; }

    public required RoutingOutcome Routing { get; init; }

    /// <summary>The stream's version: the number of events so far. Commands send it back as their expected version.</summary>
    public required int Version { get; init; }

    public required ImmutableList<IncidentHistoryEntry> History { get; init; }

    public DateTimeOffset? RegisteredAt { get; init; }

    /// <summary>The first dispatch: time to dispatch is measured to it.</summary>
    public DateTimeOffset? DispatchedAt { get; init; }

    /// <summary>Every assignment ever made, in order; <see cref="ActiveAssignments"/> are the ones still working.</summary>
    public ImmutableList<Assignment> Assignments { get; init; } = [];

    /// <summary>Every department ever dispatched to; two or more makes the incident cross-department (跨部门).</summary>
    public ImmutableSortedSet<string> DepartmentsInvolved { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>True once a township office escalated it to the county center (counts against 镇村化解率).</summary>
    public bool Escalated { get; init; }

    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>督办: how many times the center urged it on. Never a state.</summary>
    public int Supervisions { get; init; }

    public int Returns { get; init; }

    public int Verifications { get; init; }

    public int FailedVerifications { get; init; }

    public int Reopens { get; init; }

    public DateTimeOffset? VerifiedAt { get; init; }

    /// <summary>When it was closed (结案) or resolved on the spot; cleared by a reopen.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The incident this one was merged into (合并), once merged.</summary>
    public string? MergedInto { get; init; }

    /// <summary>Incidents merged into this one as duplicates.</summary>
    public ImmutableList<string> MergedDuplicates { get; init; } = [];

    /// <summary>An open incident of the same category near by, found when this one was reported; the center decides.</summary>
    public DuplicateCandidate? LikelyDuplicateOf { get; init; }

    public string? GridCode => Routing.GridCode;

    public string? VillageCode => Routing.VillageCode;

    public string? TownshipCode => Routing.TownshipCode;

    public string CountyCode => Routing.CountyCode;

    public bool CrossDepartment => DepartmentsInvolved.Count >= 2;

    /// <summary>Not yet finished: closed, resolved on the spot, rejected and merged incidents are done.</summary>
    public bool IsOpen => State is not (IncidentState.Closed or IncidentState.ResolvedOnSpot or IncidentState.Rejected or IncidentState.Merged);

    public IEnumerable<Assignment> ActiveAssignments => Assignments.Where(a => a.IsActive);

    public Assignment? Lead => Assignments.LastOrDefault(a => a.IsActive && a.Role == AssignmentRole.Lead);

    public string? LeadDepartmentCode => Lead?.DepartmentCode;

    public IReadOnlyList<string> AssistingDepartmentCodes =>
        [.. ActiveAssignments.Where(a => a.Role == AssignmentRole.Assist).Select(a => a.DepartmentCode)];

    /// <summary>Lead first, then the assisting departments.</summary>
    public IEnumerable<string> DepartmentCodes => ActiveAssignments.OrderBy(a => a.Role).Select(a => a.DepartmentCode);

    public DateTimeOffset? SignDeadline => Lead?.SignDeadline;

    public DateTimeOffset? SignWarningAt => Lead?.SignWarningAt;

    /// <summary>The incident's handle deadline is its lead's.</summary>
    public DateTimeOffset? HandleDeadline => Lead?.HandleDeadline;

    public DateTimeOffset? HandleWarningAt => Lead?.HandleWarningAt;

    /// <summary>The active assignment of a department, if it has one.</summary>
    public Assignment? ActiveAssignmentOf(string departmentCode) =>
        Assignments.LastOrDefault(a => a.IsActive && a.DepartmentCode == departmentCode);

    /// <summary>Whether the department has ever been assigned this incident (a department reads what it was sent).</summary>
    public bool InvolvesDepartment(string departmentCode) => DepartmentsInvolved.Contains(departmentCode);

    /// <summary>Some active assignment has passed a deadline it still awaits.</summary>
    public bool IsOverdue(DateTimeOffset now) =>
        ActiveAssignments.Any(a => a.IsOverdue(DeadlineKind.Sign, now) || a.IsOverdue(DeadlineKind.Handle, now));
}

/// <summary>A likely duplicate: the open incident found near the new report, and how far away it is.</summary>
public sealed record DuplicateCandidate(string IncidentId, double DistanceMetres);
