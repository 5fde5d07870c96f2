using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

/// <summary>
/// What the due-time index holds for an incident: Given the incident's events, When the alarms are computed, Then
/// these are pending. Every case also checks that the list agrees with the decider of <see cref="RaiseDeadlineAlarm"/>.
/// </summary>
public class PendingAlarmsTests
{
    private const string Lead = "330282101-ZFZD";
    private const string Assistant = "330282-STHJ";

    private static readonly Actor Worker = new("gw-007", ActorRole.GridWorker);
    private static readonly Actor Center = new("zhzx-01", ActorRole.CountyCenter);
    private static readonly Actor Handler = new("zfzd-01", ActorRole.DepartmentHandler);

    private static readonly WorkingCalendar Calendar = WorkingCalendar.ChinaDefault;

    // Monday 2 March 2026, 09:00: garbage (sign 2 working hours, handle 1 working day) auto-dispatched at once.
    private static readonly DateTimeOffset SignWarning = At(2026, 3, 2, 10, 36);
    private static readonly DateTimeOffset SignDeadline = At(2026, 3, 2, 11, 0);
    private static readonly DateTimeOffset HandleDeadline = At(2026, 3, 3, 17, 30);

    /// <summary>An incident's life built by deciding commands one after another, as the store would.</summary>
    private sealed class Life
    {
        public List<IIncidentEvent> Events { get; } = [];

        public Incident State => IncidentDecider.Fold(Events)!;

        public Life Do(IIncidentCommand command)
        {
            var state = Events.Count == 0 ? null : State;
            var decided = IncidentDecider.Decide(state, command, Calendar);
            Assert.NotEmpty(decided);
            Events.AddRange(decided);
            return this;
        }

        public Life Alarm(string department, DeadlineKind kind, AlarmLevel level, DateTimeOffset now) =>
            Do(new RaiseDeadlineAlarm(State.Id, department, kind, level, now));
    }

    private static Life Dispatched(string category = Garbage)
    {
        var snapshot = CategorySnapshot.From(Snapshot.FindCategory(category)!);
        return new Life().Do(new ReportIncident("inc-1", Worker, "client-1", ReportChannel.App, snapshot, "路边暴露垃圾",
            new GeoLocation(121.25, 30.17, CoordinateSystem.Wgs84, 5), Now.AddMinutes(-5), [], Snapshot.RouteToGrid(TownGrid, category), Now));
    }

    private static Life Signed() => Dispatched().Do(new SignAssignment("inc-1", Lead, Handler, Now.AddMinutes(30)));

    private static Life Handled() => Signed().Do(new ReportHandled("inc-1", Lead, "已清运", [], Handler, Now.AddHours(2)));

    private static DueAlarm Due(DeadlineKind kind, AlarmLevel level, DateTimeOffset at, string department = Lead) =>
        new("inc-1", department, kind, level, at);

    private static IReadOnlyList<DueAlarm> Pending(Life life)
    {
        var pending = IncidentDeadlines.PendingAlarms(life.State);
        AgreesWithDecider(life, pending);
        return pending;
    }

    /// <summary>
    /// Each pending alarm decides nothing a second before it is due and exactly itself when due; every alarm not
    /// pending decides nothing even long after. So the index never fires early, never misses, never repeats.
    /// </summary>
    private static void AgreesWithDecider(Life life, IReadOnlyList<DueAlarm> pending)
    {
        var state = life.State;
        foreach (var department in state.DepartmentsInvolved)
        {
            foreach (var kind in new[] { DeadlineKind.Sign, DeadlineKind.Handle })
            {
                foreach (var level in new[] { AlarmLevel.Warning, AlarmLevel.Overdue })
                {
                    var alarm = pending.SingleOrDefault(a => a.DepartmentCode == department && a.Kind == kind && a.Level == level);
                    if (alarm is null)
                    {
                        Assert.Empty(IncidentDecider.Decide(state, new RaiseDeadlineAlarm(state.Id, department, kind, level, Now.AddYears(1)), Calendar));
                        continue;
                    }
                    Assert.Empty(IncidentDecider.Decide(state, new RaiseDeadlineAlarm(state.Id, department, kind, level, alarm.DueAt.AddSeconds(-1)), Calendar));
                    var raised = Assert.IsType<DeadlineAlarmRaised>(Assert.Single(
                        IncidentDecider.Decide(state, new RaiseDeadlineAlarm(state.Id, department, kind, level, alarm.DueAt), Calendar)));
                    Assert.Equal(alarm.DueAt, raised.DueAt);
                    Assert.DoesNotContain(IncidentDeadlines.PendingAlarms(IncidentDecider.Apply(state, raised)), a => a == alarm);
                }
            }
        }
    }

    [Fact]
    public void GivenNoIncident_WhenPendingAlarms_ThenNone() => Assert.Empty(IncidentDeadlines.PendingAlarms(null));

    [Fact]
    public void GivenReportedNotDispatched_WhenPendingAlarms_ThenNone() => Assert.Empty(Pending(Dispatched(Other)));

    [Fact]
    public void GivenDispatched_WhenPendingAlarms_ThenBothLevelsOfBothDeadlinesAtTheirCalendarTimes()
    {
        var life = Dispatched();
        var handleWarning = life.State.Lead!.HandleWarningAt;

        Assert.Equal(
            [
                Due(DeadlineKind.Sign, AlarmLevel.Warning, SignWarning),
                Due(DeadlineKind.Sign, AlarmLevel.Overdue, SignDeadline),
                Due(DeadlineKind.Handle, AlarmLevel.Warning, handleWarning),
                Due(DeadlineKind.Handle, AlarmLevel.Overdue, HandleDeadline),
            ],
            Pending(life));
        Assert.Equal(Calendar.WarningTime(Now, HandleDeadline, TimeLimitUnit.WorkingDays), handleWarning);
    }

    [Fact]
    public void GivenSignWarningRaised_WhenPendingAlarms_ThenTheWarningIsNoLongerPending()
    {
        var life = Dispatched().Alarm(Lead, DeadlineKind.Sign, AlarmLevel.Warning, SignWarning);

        Assert.Equal([DeadlineKind.Sign, DeadlineKind.Handle, DeadlineKind.Handle], Pending(life).Select(a => a.Kind));
        Assert.DoesNotContain(Pending(life), a => a.Kind == DeadlineKind.Sign && a.Level == AlarmLevel.Warning);
    }

    [Fact]
    public void GivenSigned_WhenPendingAlarms_ThenOnlyTheHandleDeadline()
    {
        var pending = Pending(Signed());

        Assert.Equal([(DeadlineKind.Handle, AlarmLevel.Warning), (DeadlineKind.Handle, AlarmLevel.Overdue)], pending.Select(a => (a.Kind, a.Level)));
    }

    [Fact]
    public void GivenHandled_WhenPendingAlarms_ThenNone() => Assert.Empty(Pending(Handled()));

    [Fact]
    public void GivenReturned_WhenPendingAlarms_ThenNone()
    {
        var life = Dispatched().Do(new ReturnAssignment("inc-1", Lead, "不属于本单位职责", Handler, Now.AddMinutes(20)));

        Assert.Empty(Pending(life));
    }

    [Fact]
    public void GivenReturnedAndDispatchedToAnother_WhenPendingAlarms_ThenTheNewDepartmentsClocksFromTheNewDispatch()
    {
        var redispatchedAt = At(2026, 3, 2, 14, 0);
        var life = Dispatched()
            .Do(new ReturnAssignment("inc-1", Lead, "不属于本单位职责", Handler, Now.AddMinutes(20)))
            .Do(new DispatchIncident("inc-1", Snapshot.FindDepartment(Assistant), [], null, Center, redispatchedAt));

        var pending = Pending(life);

        Assert.Equal(4, pending.Count);
        Assert.All(pending, a => Assert.Equal(Assistant, a.DepartmentCode));
        Assert.Equal(Calendar.AddWorkingTime(redispatchedAt, TimeLimit.WorkingHours(2)), pending.Single(a => a.Kind == DeadlineKind.Sign && a.Level == AlarmLevel.Overdue).DueAt);
    }

    [Fact]
    public void GivenAnAssistingDepartment_WhenOnlyTheLeadSigns_ThenTheAssistantsSignDeadlineStillPending()
    {
        var life = new Life();
        life.Events.AddRange(Dispatched(Other).Events);
        life.Do(new RegisterIncident("inc-1", null, Center, Now.AddMinutes(1)))
            .Do(new DispatchIncident("inc-1", Snapshot.FindDepartment(Lead), [Snapshot.FindDepartment(Assistant)!], null, Center, Now.AddMinutes(2)))
            .Do(new SignAssignment("inc-1", Lead, Handler, Now.AddMinutes(10)));

        var pending = Pending(life);

        Assert.Equal(
            [(Lead, DeadlineKind.Handle), (Lead, DeadlineKind.Handle), (Assistant, DeadlineKind.Sign), (Assistant, DeadlineKind.Sign),
                (Assistant, DeadlineKind.Handle), (Assistant, DeadlineKind.Handle)],
            pending.Select(a => (a.DepartmentCode, a.Kind)));
    }

    [Fact]
    public void GivenHandleOverdueRaised_WhenAnExtensionIsApproved_ThenBothHandleAlarmsArePendingAgainAtTheMovedTimes()
    {
        var overdueAt = HandleDeadline.AddMinutes(5);
        var life = Signed()
            .Alarm(Lead, DeadlineKind.Handle, AlarmLevel.Warning, HandleDeadline.AddHours(-1))
            .Alarm(Lead, DeadlineKind.Handle, AlarmLevel.Overdue, overdueAt);
        Assert.Empty(Pending(life));

        life.Do(new RequestExtension("inc-1", Lead, TimeLimit.WorkingDays(2), "需协调环卫车辆", Handler, overdueAt.AddMinutes(1)))
            .Do(new DecideExtension("inc-1", Lead, true, null, Center, overdueAt.AddMinutes(2)));
        var moved = life.State.Lead!;

        Assert.Equal(At(2026, 3, 5, 17, 30), moved.HandleDeadline);
        Assert.Equal(
            [Due(DeadlineKind.Handle, AlarmLevel.Warning, moved.HandleWarningAt), Due(DeadlineKind.Handle, AlarmLevel.Overdue, At(2026, 3, 5, 17, 30))],
            Pending(life));
    }

    [Fact]
    public void GivenReworkAfterTheOverdueWasRaised_WhenPendingAlarms_ThenTheSameDeadlineDoesNotAlarmAgain()
    {
        var life = Signed()
            .Alarm(Lead, DeadlineKind.Handle, AlarmLevel.Warning, HandleDeadline)
            .Alarm(Lead, DeadlineKind.Handle, AlarmLevel.Overdue, HandleDeadline)
            .Do(new ReportHandled("inc-1", Lead, "已清运", [], Handler, HandleDeadline.AddMinutes(30)));
        Assert.Empty(Pending(life));
        life.Do(new VerifyIncident("inc-1", false, "垃圾未清理干净", Center, HandleDeadline.AddHours(1)));

        Assert.Empty(Pending(life));
    }

    [Fact]
    public void GivenRework_WhenNoAlarmWasRaised_ThenTheHandleDeadlineIsPendingAgain()
    {
        var life = Handled().Do(new VerifyIncident("inc-1", false, "垃圾未清理干净", Center, Now.AddHours(3)));

        Assert.Equal([AlarmLevel.Warning, AlarmLevel.Overdue], Pending(life).Select(a => a.Level));
    }

    [Fact]
    public void GivenClosed_WhenPendingAlarms_ThenNone_AndAfterReopenNoneUntilDispatchedAgain()
    {
        var life = Handled()
            .Do(new VerifyIncident("inc-1", true, null, Center, Now.AddHours(3)))
            .Do(new CloseIncident("inc-1", null, Center, Now.AddHours(4)));
        Assert.Empty(Pending(life));

        life.Do(new ReopenIncident("inc-1", "垃圾又出现了", Center, At(2026, 3, 4, 9, 0)));
        Assert.Empty(Pending(life));

        life.Do(new DispatchIncident("inc-1", Snapshot.FindDepartment(Lead), [], null, Center, At(2026, 3, 4, 9, 0)));
        Assert.Equal(At(2026, 3, 4, 11, 0), Pending(life).Single(a => a.Kind == DeadlineKind.Sign && a.Level == AlarmLevel.Overdue).DueAt);
        Assert.Equal(4, Pending(life).Count);
    }
}
