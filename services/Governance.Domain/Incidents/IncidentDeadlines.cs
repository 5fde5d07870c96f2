namespace Governance.Domain.Incidents;

/// <summary>One alarm the deadline scheduler must raise at <see cref="DueAt"/> unless the incident moves on first.</summary>
public sealed record DueAlarm(string IncidentId, string DepartmentCode, DeadlineKind Kind, AlarmLevel Level, DateTimeOffset DueAt);

/// <summary>The alarms an incident's current state still owes: what the due-time index holds for it.</summary>
public static class IncidentDeadlines
{
    private static readonly DeadlineKind[] Kinds = [DeadlineKind.Sign, DeadlineKind.Handle];
    private static readonly AlarmLevel[] Levels = [AlarmLevel.Warning, AlarmLevel.Overdue];

    /// <summary>
    /// For an open incident: every active assignment, every deadline it still awaits, every level not yet raised for
    /// the deadline's current due time. It mirrors <see cref="RaiseDeadlineAlarm"/>'s decision exactly, so an alarm
    /// listed here and fired at its due time is raised, and one not listed would decide nothing.
    /// An incident that does not exist (null) owes nothing.
    /// </summary>
    public static IReadOnlyList<DueAlarm> PendingAlarms(Incident? incident)
    {
        if (incident is null || !incident.IsOpen)
        {
            return [];
        }
        var alarms = new List<DueAlarm>();
        // The decider looks a department up by ActiveAssignmentOf (its latest active assignment); do the same so
        // the two never disagree about which assignment's deadlines count.
        foreach (var department in incident.ActiveAssignments.Select(a => a.DepartmentCode).Distinct(StringComparer.Ordinal))
        {
            var assignment = incident.ActiveAssignmentOf(department)!;
            foreach (var kind in Kinds)
            {
                if (!assignment.Awaits(kind))
                {
                    continue;
                }
                foreach (var level in Levels)
                {
                    var due = assignment.DueAt(kind, level);
                    if (assignment.RaisedFor(kind, level) != due)
                    {
                        alarms.Add(new DueAlarm(incident.Id, department, kind, level, due));
                    }
                }
            }
        }
        return alarms;
    }
}
