using Google.Protobuf.WellKnownTypes;
using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Incidents.Publishing;
using Xunit;
using static Governance.Incidents.Tests.Publishing.LifeHistory;
using C = Governance.Contracts.V1;
using Change = Governance.Contracts.V1.IncidentLifeEvent.ChangeOneofCase;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>Stored incident events as the integration events of incident_events.proto, facts exactly as its comments say.</summary>
public sealed class IncidentLifeMapperTests
{
    private static Timestamp Ts(DateTimeOffset t) => Timestamp.FromDateTimeOffset(t);

    [Fact]
    public void GivenAReport_WhenMapped_ThenItIsReportedWithItsRoutingAndTheFactsOfVersionOne()
    {
        var (recorded, published) = Reported().Map().Single();

        var e = Assert.IsType<C.IncidentLifeEvent>(published);
        Assert.Equal(Change.Reported, e.ChangeCase);
        Assert.Equal((recorded.EventId.ToString(), 101L, Id, 1L), (e.EventId, e.Position, e.IncidentId, e.IncidentVersion));
        Assert.Equal(Ts(T0), e.OccurredAt);
        Assert.Equal(("wg-7", "grid_worker"), (e.By.Subject, e.By.Role));
        Assert.Equal(("client-7", Ts(T0.AddMinutes(-20)), Cgj, false),
            (e.Reported.ClientReportId, e.Reported.OccurredAt, e.Reported.RoutedDepartmentCode, e.Reported.RoutedToCountyCenter));
        var f = e.Incident;
        Assert.Equal((Id, 1L, C.IncidentState.Reported, C.Channel.App), (f.IncidentId, f.Version, f.State, f.Channel));
        Assert.Equal(("LE-0101", "暴露垃圾", C.Platform.LawEnforcement), (f.CategoryCode, f.CategoryName, f.Platform));
        Assert.Equal((County, Township, Village, Grid), (f.CountyCode, f.TownshipCode, f.VillageCode, f.GridCode));
        Assert.Equal(Ts(T0), f.ReportedAt);
        Assert.Null(f.RegisteredAt);
        Assert.Null(f.FirstDispatchedAt);
        Assert.Null(f.ClosedAt);
        Assert.Null(f.HandleDeadline);
        Assert.Null(f.HandleWarningAt);
        Assert.Equal("", f.LeadDepartmentCode);
        Assert.Empty(f.DepartmentsInvolved);
        Assert.Empty(f.Assignments);
        Assert.Empty(f.Verifications);
        Assert.False(f.CrossDepartment || f.Escalated || f.ResolvedOnSpot);
        Assert.Equal("", f.MergedInto);
    }

    [Fact]
    public void GivenAReportOutsideEveryGrid_WhenMapped_ThenItWentToTheCountyCenterAndItsRegionBelowTheCountyIsEmpty()
    {
        var e = Reported(inGrid: false).Last();

        Assert.True(e.Reported.RoutedToCountyCenter);
        Assert.Equal((County, "", "", ""), (e.Incident.CountyCode, e.Incident.TownshipCode, e.Incident.VillageCode, e.Incident.GridCode));
    }

    [Fact]
    public void GivenEveryKindWithNoChangeOfItsOwn_WhenMapped_ThenNoneIsPublishedButTheNextStepCarriesItsEffect()
    {
        var history = Reported().Registered().Dispatched(Cgj)
            .Then(at => new IncidentFlaggedAsDuplicate(Id, "inc-1", 35, IncidentDecider.DuplicateRule, at))
            .Then(at => new DuplicateMerged(Id, "inc-9", Center, at))
            .Then(at => new ProgressReported(Id, Cgj, "已联系保洁公司", [], Handler, at))
            .Then(at => new ExtensionRequested(Id, Cgj, TimeLimit.WorkingDays(1), "需协调环卫车辆", Handler, at))
            .Then(at => new ExtensionRefused(Id, Cgj, null, Center, at))
            .Signed(Cgj);

        var mapped = history.Map();

        Assert.Equal(
            [Change.Reported, Change.Registered, Change.Dispatched, null, null, null, null, null, Change.Signed],
            mapped.Select(m => m.Published?.ChangeCase));
        Assert.Equal(9, mapped[^1].Published!.Incident.Version);
    }

    [Fact]
    public void GivenRegistrationRejectionAndMerge_WhenMapped_ThenEachSaysWhat()
    {
        var registered = Reported().Then(at => new IncidentRegistered(Id, true, null, IncidentDecider.AutoDispatchRule, at)).Last();
        var rejected = Reported().Then(at => new IncidentRejected(Id, "不属于受理范围", Center, at)).Last();
        var merged = Reported().Then(at => new IncidentMerged(Id, "inc-1", null, Center, at)).Last();

        Assert.True(registered.Registered.Automatic);
        Assert.Equal(Ts(T0.AddMinutes(10)), registered.Incident.RegisteredAt);
        Assert.Equal(("system", C.IncidentState.Registered), (registered.By.Role, registered.Incident.State));
        Assert.Equal(("不属于受理范围", C.IncidentState.Rejected), (rejected.Rejected.Reason, rejected.Incident.State));
        Assert.Equal(("inc-1", "inc-1", C.IncidentState.Merged), (merged.Merged.IntoIncidentId, merged.Incident.MergedInto, merged.Incident.State));
    }

    [Fact]
    public void GivenADispatchWithAnAssistantAReturnAndARedispatch_WhenMapped_ThenOnlyTheSecondIsARedispatchAndEveryAssignmentIsListed()
    {
        var history = Reported().Registered().Dispatched(Cgj, [Gaj], automatic: true);
        var firstDispatch = history.Clock;
        history.Returned(Gaj).Dispatched(Cgj, [Sjj]);
        var secondDispatch = history.Clock;

        var mapped = history.Map();
        var first = mapped[2].Published!;
        var returned = mapped[3].Published!;
        var second = mapped[4].Published!;

        Assert.Equal((Cgj, false, true), (first.Dispatched.LeadDepartmentCode, first.Dispatched.Redispatch, first.Dispatched.Automatic));
        Assert.Equal([Gaj], first.Dispatched.AssistingDepartmentCodes);
        Assert.Equal((Ts(firstDispatch.AddHours(2)), Ts(firstDispatch.AddDays(1))), (first.Dispatched.SignDeadline, first.Dispatched.HandleDeadline));
        Assert.Equal((Gaj, "不属于本部门职责", 1), (returned.Returned.DepartmentCode, returned.Returned.Reason, returned.Incident.Returns));
        Assert.True(second.Dispatched.Redispatch);
        var f = second.Incident;
        Assert.Equal(Ts(firstDispatch), f.FirstDispatchedAt);
        Assert.True(f.CrossDepartment);
        Assert.Equal([Cgj, Gaj, Sjj], f.DepartmentsInvolved);
        Assert.Equal(
            [(Cgj, C.AssignmentRole.Lead, C.AssignmentState.Dispatched), (Gaj, C.AssignmentRole.Assist, C.AssignmentState.Returned),
             (Sjj, C.AssignmentRole.Assist, C.AssignmentState.Dispatched)],
            f.Assignments.Select(a => (a.DepartmentCode, a.Role, a.State)));
        // The lead kept its assignment, so its clocks run from the first dispatch; the new assistant's from the second.
        Assert.Equal((Cgj, Ts(firstDispatch.AddDays(1)), Ts(firstDispatch + TimeSpan.FromDays(1) * 0.8)),
            (f.LeadDepartmentCode, f.HandleDeadline, f.HandleWarningAt));
        Assert.Equal(Ts(secondDispatch), f.Assignments[2].DispatchedAt);
        Assert.NotNull(f.Assignments[1].ReturnedAt);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, true)]
    [InlineData(1, false)]
    public void GivenASignatureAroundItsDeadline_WhenMapped_ThenItIsOnTimeUpToTheDeadlineItself(int ticksAfterDeadline, bool onTime)
    {
        var history = Reported().Registered().Dispatched(Cgj);
        var deadline = history.State.Lead!.SignDeadline;

        var signed = history.Signed(Cgj, deadline.AddTicks(ticksAfterDeadline)).Last();

        Assert.Equal((Cgj, onTime), (signed.Signed.DepartmentCode, signed.Signed.OnTime));
        Assert.Equal(Ts(deadline.AddTicks(ticksAfterDeadline)), signed.Incident.Assignments[0].AcceptedAt);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void GivenHandlingAndClosureAroundTheHandleDeadline_WhenMapped_ThenEachIsOnTimeUpToTheDeadlineItself(int ticksAfterDeadline, bool onTime)
    {
        var history = Reported().Registered().Dispatched(Cgj).Signed(Cgj);
        var deadline = history.State.Lead!.HandleDeadline;

        var handled = history.Handled(Cgj, deadline.AddTicks(ticksAfterDeadline)).Last();
        var closed = history.Verified().Closed(deadline.AddTicks(ticksAfterDeadline)).Last();

        Assert.Equal(onTime, handled.Handled.OnTime);
        Assert.Equal(onTime, closed.Closed.OnTime);
        Assert.False(closed.Closed.ResolvedOnSpot);
        Assert.Equal((C.IncidentState.Closed, Ts(deadline.AddTicks(ticksAfterDeadline))), (closed.Incident.State, closed.Incident.ClosedAt));
    }

    [Fact]
    public void GivenAnApprovedExtension_WhenHandledAfterTheOldDeadlineButByTheNew_ThenItIsOnTimeAndTheFactsCarryTheNewDeadline()
    {
        var history = Reported().Registered().Dispatched(Cgj).Signed(Cgj)
            .Then(at => new ExtensionRequested(Id, Cgj, TimeLimit.WorkingDays(2), "需协调环卫车辆", Handler, at));
        var old = history.State.Lead!.HandleDeadline;
        var extended = history.Then(at => new ExtensionApproved(Id, Cgj, old, old.AddDays(2), old.AddDays(1), null, Center, at)).Last();

        var handled = history.Handled(Cgj, old.AddHours(1)).Last();

        Assert.Equal((Cgj, Ts(old), Ts(old.AddDays(2))),
            (extended.Extended.DepartmentCode, extended.Extended.PreviousHandleDeadline, extended.Extended.HandleDeadline));
        Assert.Equal((Ts(old.AddDays(2)), Ts(old.AddDays(1)), 1), (extended.Incident.HandleDeadline, extended.Incident.HandleWarningAt, extended.Incident.Assignments[0].Extensions));
        Assert.True(handled.Handled.OnTime);
    }

    [Fact]
    public void GivenAFailedThenAPassedVerification_WhenMapped_ThenBothAreListedInOrderAndTheFailureNamesTheDepartments()
    {
        var history = Reported().Registered().Dispatched(Cgj, [Sjj]).Signed(Cgj).Signed(Sjj).Handled(Cgj).Handled(Sjj).Rework();
        var failedAt = history.Clock;
        var rework = history.Last();
        history.Handled(Cgj).Handled(Sjj).Verified();
        var passedAt = history.Clock;

        var passed = history.Last();

        Assert.False(rework.Verified.Passed);
        Assert.Equal([Cgj, Sjj], rework.Verified.ReworkDepartmentCodes);
        Assert.Equal([1, 1], rework.Incident.Assignments.Select(a => a.Reworks));
        Assert.All(rework.Incident.Assignments, a => Assert.Null(a.HandledAt));
        Assert.True(passed.Verified.Passed);
        Assert.Empty(passed.Verified.ReworkDepartmentCodes);
        Assert.Equal([(Ts(failedAt), false), (Ts(passedAt), true)], passed.Incident.Verifications.Select(v => (v.At, v.Passed)));
    }

    [Fact]
    public void GivenAReopenedIncident_WhenMapped_ThenTheLastLeadAndItsDeadlineCarryForwardAndTheClosureIsCleared()
    {
        var history = Reported().Registered().Dispatched(Cgj).Signed(Cgj).Handled(Cgj).Verified().Closed();
        var lead = history.State.Lead!;

        var reopened = history.Reopened().Last();

        Assert.Equal("群众反映问题再次出现", reopened.Reopened.Reason);
        var f = reopened.Incident;
        Assert.Equal((C.IncidentState.Registered, 1), (f.State, f.Reopens));
        Assert.Null(f.ClosedAt);
        Assert.Equal((Cgj, Ts(lead.HandleDeadline), Ts(lead.HandleWarningAt)), (f.LeadDepartmentCode, f.HandleDeadline, f.HandleWarningAt));
        var withdrawn = Assert.Single(f.Assignments);
        Assert.Equal((C.AssignmentState.Withdrawn, reopened.OccurredAt), (withdrawn.State, withdrawn.WithdrawnAt));

        // Closed again without a new dispatch (the reporter fixes it on the spot), it is judged by that carried deadline.
        var closedLate = history.Then(at => new IncidentResolvedOnSpot(Id, "已现场清理", [], Worker, at), lead.HandleDeadline.AddMinutes(1)).Last();
        Assert.Equal(Cgj, closedLate.Incident.LeadDepartmentCode);
        Assert.False(closedLate.Closed.OnTime);
    }

    [Fact]
    public void GivenAReportResolvedOnTheSpot_WhenMapped_ThenItIsClosedOnTimeWithoutADeadline_AndAReopenTakesThatBack()
    {
        var history = Reported().Then(at => new IncidentResolvedOnSpot(Id, "已现场清理", [], Worker, at));

        var resolved = history.Last();
        var reopened = history.Reopened().Last();

        Assert.Equal((true, true), (resolved.Closed.OnTime, resolved.Closed.ResolvedOnSpot));
        Assert.Equal((C.IncidentState.ResolvedOnSpot, true), (resolved.Incident.State, resolved.Incident.ResolvedOnSpot));
        Assert.NotNull(resolved.Incident.ClosedAt);
        Assert.Null(resolved.Incident.HandleDeadline);
        Assert.False(reopened.Incident.ResolvedOnSpot);
    }

    [Fact]
    public void GivenEscalationAndSupervision_WhenMapped_ThenTheyAreCountedInTheFacts()
    {
        var history = Reported().Registered()
            .Then(at => new IncidentEscalated(Id, Township, "涉及多个镇街", new Domain.Actor("zh-1", Domain.ActorRole.TownshipOffice), at));
        var escalated = history.Last();
        var supervised = history.Then(at => new IncidentSupervised(Id, "请加快处置", 2, Center, at)).Last();

        Assert.Equal((Township, true, C.IncidentState.Escalated), (escalated.Escalated.FromTownshipCode, escalated.Incident.Escalated, escalated.Incident.State));
        Assert.Equal((2, 2), (supervised.Supervised.Count, supervised.Incident.Supervisions));
    }

    [Theory]
    [InlineData(DeadlineKind.Sign, AlarmLevel.Warning, Change.Warned, C.DeadlineKind.Sign)]
    [InlineData(DeadlineKind.Sign, AlarmLevel.Overdue, Change.Overdue, C.DeadlineKind.Sign)]
    [InlineData(DeadlineKind.Handle, AlarmLevel.Warning, Change.Warned, C.DeadlineKind.Handle)]
    [InlineData(DeadlineKind.Handle, AlarmLevel.Overdue, Change.Overdue, C.DeadlineKind.Handle)]
    public void GivenADeadlineAlarm_WhenMapped_ThenItIsAWarningOrAnOverdueOfThatDeadline(DeadlineKind kind, AlarmLevel level, Change change, C.DeadlineKind wire)
    {
        var history = Reported().Registered().Dispatched(Cgj);
        var due = history.State.Lead!.DueAt(kind, level);

        var alarm = history.Then(at => new DeadlineAlarmRaised(Id, Cgj, kind, level, due, IncidentDecider.DeadlineScheduler, at), due).Last();

        Assert.Equal(change, alarm.ChangeCase);
        var body = change == Change.Warned ? alarm.Warned : alarm.Overdue;
        Assert.Equal((Cgj, wire, Ts(due)), (body.DepartmentCode, body.Kind, body.DueAt));
        Assert.Equal("scheduler:deadlines", alarm.By.Subject);
    }

    [Fact]
    public void GivenAStateOfAnotherVersion_WhenMapped_ThenItIsRefusedRatherThanPublishedWithWrongFacts()
    {
        var history = Reported().Registered();
        var stale = IncidentDecider.Fold(history.Events.Take(1))!;

        var error = Assert.Throws<InvalidDataException>(() => IncidentLifeMapper.Map(stale, history.Events[1], Recorded(history.Events[1], 2)));

        Assert.Contains("version 2", error.Message);
    }
}
