using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

// The scheduler's alarms: 预警 at 80 % of a limit and 超期 at the deadline, once per due time.
public class DeadlineAlarmTests
{
    /// <summary>
    /// 暴露垃圾 (LE-0101: sign 2 working hours, handle 1 working day) dispatched Friday 2026-02-13 16:00. The working
    /// time runs into the make-up Saturday 02-14: sign warning 08:36, sign deadline 09:00 (1.5 h Friday + 0.5 h),
    /// handle warning 15:42 (80 % of 9 h = 7 h 12 min), handle deadline 17:30.
    /// </summary>
    private static IncidentHistory Dispatched() =>
        Reported(Garbage, At(2026, 2, 13, 15, 40)).Registered(At(2026, 2, 13, 15, 50)).DispatchedAt(At(2026, 2, 13, 16, 0), TownSquad);

    private static RaiseDeadlineAlarm Alarm(DeadlineKind kind, AlarmLevel level, DateTimeOffset now, string department = TownSquad) =>
        new(Id, department, kind, level, now);

    private static DeadlineAlarmRaised Raised(DeadlineKind kind, AlarmLevel level, DateTimeOffset due, DateTimeOffset at) =>
        new(Id, TownSquad, kind, level, due, IncidentDecider.DeadlineScheduler, at);

    [Fact]
    public void GivenDispatched_WhenTheSignWarningIsAskedForAMinuteEarly_ThenNothing() =>
        Spec.Incident().Given(Dispatched()).When(Alarm(DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 8, 35))).ThenNothing();

    [Fact]
    public void GivenDispatched_WhenTheSignWarningIsDue_ThenRaisedForItsDueTime() =>
        Spec.Incident()
            .Given(Dispatched())
            .When(Alarm(DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 8, 36)))
            .Then(Raised(DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 8, 36), At(2026, 2, 14, 8, 36)));

    [Fact]
    public void GivenTheSignWarningRaised_WhenAskedAgainLater_ThenNothing() =>
        Spec.Incident()
            .Given(Dispatched().Alarm(TownSquad, DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 8, 36)))
            .When(Alarm(DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 8, 50)))
            .ThenNothing();

    [Fact]
    public void GivenTheSignWarningRaised_WhenTheSignDeadlinePasses_ThenOverdueRaisedOnce()
    {
        var history = Dispatched().Alarm(TownSquad, DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 8, 36));

        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 8, 59))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 9, 1)))
            .Then(Raised(DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 9, 0), At(2026, 2, 14, 9, 1)));
        Spec.Incident().Given(history.Alarm(TownSquad, DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 9, 1)))
            .When(Alarm(DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 10, 0)))
            .ThenNothing();
    }

    [Fact]
    public void GivenAlarmsRaised_WhenFolded_ThenTheAssignmentRemembersTheDueTimesAndIsOverdue()
    {
        var incident = Dispatched()
            .Alarm(TownSquad, DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 8, 36))
            .Alarm(TownSquad, DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 9, 0)).State;

        var assignment = incident.ActiveAssignmentOf(TownSquad)!;
        Assert.Equal((At(2026, 2, 14, 8, 36), At(2026, 2, 14, 9, 0)), (assignment.SignWarnedFor, assignment.SignOverdueFor));
        Assert.Null(assignment.HandleWarnedFor);
        Assert.True(incident.IsOverdue(At(2026, 2, 14, 9, 0)));
        Assert.Equal(IncidentState.Dispatched, incident.State);
    }

    [Fact]
    public void GivenSignedBeforeTheSignDeadline_WhenTheSignAlarmsAreDue_ThenNothing()
    {
        var history = Dispatched().Accepted(TownSquad, At(2026, 2, 14, 8, 40));

        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 9, 0))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Sign, AlarmLevel.Warning, At(2026, 2, 14, 9, 0))).ThenNothing();
    }

    [Fact]
    public void GivenSigned_WhenTheHandleWarningAndDeadlineAreDue_ThenEachRaisedAtItsTime()
    {
        var history = Dispatched().Accepted(TownSquad, At(2026, 2, 14, 8, 40));

        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 14, 15, 41))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 14, 15, 42)))
            .Then(Raised(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 14, 15, 42), At(2026, 2, 14, 15, 42)));
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 14, 17, 29))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 24, 8, 30)))
            .Then(Raised(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 14, 17, 30), At(2026, 2, 24, 8, 30)));
    }

    [Fact]
    public void GivenHandledBeforeTheDeadline_WhenTheHandleAlarmsAreDue_ThenNothing()
    {
        var history = Dispatched().Accepted(TownSquad, At(2026, 2, 14, 8, 40)).Handled(TownSquad, At(2026, 2, 14, 15, 0));

        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 14, 15, 42))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 14, 17, 30))).ThenNothing();
    }

    [Fact]
    public void GivenTheHandleAlarmsRaisedThenAnExtensionApproved_WhenTimePassesTheNewDeadline_ThenBothAreRaisedAgainForTheNewDueTimes()
    {
        // The extension of 2 working days moves the deadline to 02-25 17:30 and the warning to 02-25 11:12 (see
        // ExtensionTests for the arithmetic).
        var history = Dispatched().Accepted(TownSquad, At(2026, 2, 14, 8, 40))
            .Alarm(TownSquad, DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 14, 15, 42))
            .Alarm(TownSquad, DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 14, 17, 30))
            .ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2), At(2026, 2, 14, 17, 35))
            .ExtensionApproved(TownSquad, At(2026, 2, 14, 17, 40));

        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 25, 11, 11))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 25, 11, 12)))
            .Then(Raised(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 25, 11, 12), At(2026, 2, 25, 11, 12)));
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 25, 17, 29))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 25, 17, 30)))
            .Then(Raised(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 25, 17, 30), At(2026, 2, 25, 17, 30)));
        Assert.False(history.State.IsOverdue(At(2026, 2, 25, 17, 29)));
    }

    [Fact]
    public void GivenAnExtensionApprovedBeforeTheWarning_WhenTheOldWarningTimeArrives_ThenNothing() =>
        Spec.Incident()
            .Given(Dispatched().Accepted(TownSquad, At(2026, 2, 14, 8, 40))
                .ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2), At(2026, 2, 14, 10, 0)).ExtensionApproved(TownSquad, At(2026, 2, 14, 11, 0)))
            .When(Alarm(DeadlineKind.Handle, AlarmLevel.Warning, At(2026, 2, 14, 15, 42)))
            .ThenNothing();

    [Fact]
    public void GivenDispatchedToAnother_WhenAnAlarmNamesADepartmentWithoutThisAssignment_ThenNothing() =>
        Spec.Incident().Given(Dispatched()).When(Alarm(DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 9, 0), Cgj)).ThenNothing();

    [Fact]
    public void GivenTheDepartmentReturnedIt_WhenItsAlarmsAreDue_ThenNothing()
    {
        var history = Dispatched().Returned(TownSquad, At(2026, 2, 13, 16, 30));

        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Sign, AlarmLevel.Overdue, At(2026, 2, 14, 9, 0))).ThenNothing();
        Spec.Incident().Given(history).When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 14, 17, 30))).ThenNothing();
    }

    [Fact]
    public void GivenClosed_WhenAnAlarmIsDue_ThenNothing() =>
        Spec.Incident()
            .Given(InState(IncidentState.Closed))
            .When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 12, 31, 9, 0), Cgj))
            .ThenNothing();

    [Fact]
    public void GivenReworkAfterTheDeadline_WhenTheHandleDeadlineAlarmIsDue_ThenRaisedBecauseTheDeadlineIsAwaitedAgain() =>
        Spec.Incident()
            .Given(Dispatched().Accepted(TownSquad, At(2026, 2, 14, 8, 40)).Handled(TownSquad, At(2026, 2, 14, 15, 0))
                .Rework(At(2026, 2, 24, 9, 0)))
            .When(Alarm(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 24, 9, 1)))
            .Then(Raised(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 2, 14, 17, 30), At(2026, 2, 24, 9, 1)));
}
