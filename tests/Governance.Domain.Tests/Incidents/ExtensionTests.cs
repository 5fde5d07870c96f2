using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

// 延期: RequestExtension by the department, DecideExtension by the center.
public class ExtensionTests
{
    /// <summary>
    /// 暴露垃圾 (LE-0101, handle 1 working day) dispatched on Friday 2026-02-13 16:00, the last working day before
    /// Spring Festival but one: its handle deadline is the close of the make-up Saturday 02-14, 17:30.
    /// </summary>
    private static IncidentHistory DispatchedBeforeSpringFestival() =>
        Reported(Garbage, At(2026, 2, 13, 15, 40)).Registered(At(2026, 2, 13, 15, 50)).DispatchedAt(At(2026, 2, 13, 16, 0), TownSquad);

    private static IncidentHistory Signed() => DispatchedBeforeSpringFestival().Accepted(TownSquad, At(2026, 2, 14, 8, 40));

    [Fact]
    public void GivenSigned_WhenRequestExtension_ThenExtensionRequested() =>
        Spec.Incident()
            .Given(Signed())
            .When(new RequestExtension(Id, TownSquad, TimeLimit.WorkingDays(2), "  需调用大型清运车辆  ", Handler, At(2026, 2, 14, 10, 0)))
            .Then(new ExtensionRequested(Id, TownSquad, TimeLimit.WorkingDays(2), "需调用大型清运车辆", Handler, At(2026, 2, 14, 10, 0)));

    [Fact]
    public void GivenNotYetSigned_WhenRequestExtension_ThenExtensionRequested() =>
        Spec.Incident()
            .Given(DispatchedBeforeSpringFestival())
            .When(new RequestExtension(Id, TownSquad, TimeLimit.WorkingHours(4), "节前人手不足", Handler, At(2026, 2, 13, 17, 0)))
            .Then(new ExtensionRequested(Id, TownSquad, TimeLimit.WorkingHours(4), "节前人手不足", Handler, At(2026, 2, 13, 17, 0)));

    [Fact]
    public void GivenARequestOfTwoWorkingDays_WhenApproved_ThenTheDeadlineMovesPastTheHolidayAndTheWarningWithIt() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2), At(2026, 2, 14, 10, 0)))
            .When(new DecideExtension(Id, TownSquad, true, "  同意延期  ", Center, At(2026, 2, 14, 11, 0)))
            .Then(new ExtensionApproved(Id, TownSquad,
                PreviousHandleDeadline: At(2026, 2, 14, 17, 30),
                // 2 working days after Saturday 02-14: 02-15..23 are off, so 02-24 is the 1st and 02-25 the 2nd.
                HandleDeadline: At(2026, 2, 25, 17, 30),
                // Counted from the dispatch: 1.5 h (02-13) + 7.5 (02-14) + 7.5 (02-24) + 7.5 (02-25) = 24 h; 80 % = 19 h 12 min:
                // 16.5 h to the close of 02-24, then 2 h 42 min from 08:30 on 02-25.
                HandleWarningAt: At(2026, 2, 25, 11, 12),
                "同意延期", Center, At(2026, 2, 14, 11, 0)));

    [Fact]
    public void GivenARequestOfFourWorkingHours_WhenApproved_ThenTheDeadlineMovesIntoTheFirstDayAfterTheHoliday() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingHours(4), At(2026, 2, 14, 10, 0)))
            .When(new DecideExtension(Id, TownSquad, true, null, Center, At(2026, 2, 14, 11, 0)))
            .Then(new ExtensionApproved(Id, TownSquad, At(2026, 2, 14, 17, 30),
                // From 02-14 17:30 the next working minute is 02-24 08:30: 3.5 h to 12:00, 0.5 h from 13:30.
                At(2026, 2, 24, 14, 0),
                // 1.5 + 7.5 + 4 = 13 h; 80 % = 10 h 24 min: 9 h by the close of 02-14, 1 h 24 min from 08:30 on 02-24.
                At(2026, 2, 24, 9, 54),
                null, Center, At(2026, 2, 14, 11, 0)));

    [Fact]
    public void GivenARequest_WhenRefused_ThenExtensionRefused() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2), At(2026, 2, 14, 10, 0)))
            .When(new DecideExtension(Id, TownSquad, false, "  垃圾清运无需延期  ", Center, At(2026, 2, 14, 11, 0)))
            .Then(new ExtensionRefused(Id, TownSquad, "垃圾清运无需延期", Center, At(2026, 2, 14, 11, 0)));

    [Fact]
    public void GivenApprovedEvent_WhenFolded_ThenOnlyThatDepartmentsDeadlineMovedAndTheRequestIsCleared()
    {
        var incident = Reported(Garbage, At(2026, 2, 13, 15, 40)).Registered(At(2026, 2, 13, 15, 50))
            .DispatchedAt(At(2026, 2, 13, 16, 0), TownSquad, Cgj)
            .ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2), At(2026, 2, 14, 10, 0))
            .ExtensionApproved(TownSquad, At(2026, 2, 14, 11, 0)).State;

        var extended = incident.ActiveAssignmentOf(TownSquad)!;
        Assert.Equal((At(2026, 2, 25, 17, 30), At(2026, 2, 25, 11, 12)), (extended.HandleDeadline, extended.HandleWarningAt));
        Assert.Equal(1, extended.Extensions);
        Assert.Null(extended.PendingExtension);
        Assert.Equal(At(2026, 2, 14, 9, 0), extended.SignDeadline); // the sign deadline never moves
        Assert.Equal(At(2026, 2, 14, 17, 30), incident.ActiveAssignmentOf(Cgj)!.HandleDeadline);
        Assert.Equal(At(2026, 2, 25, 17, 30), incident.HandleDeadline); // the incident's deadline is its lead's
    }

    [Fact]
    public void GivenRefusedEvent_WhenFolded_ThenTheDeadlineStandsAndANewRequestIsPossible()
    {
        var history = Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2), At(2026, 2, 14, 10, 0)).ExtensionRefused(TownSquad, At(2026, 2, 14, 11, 0));

        var assignment = history.State.ActiveAssignmentOf(TownSquad)!;
        Assert.Equal((At(2026, 2, 14, 17, 30), 0), (assignment.HandleDeadline, assignment.Extensions));
        Assert.Null(assignment.PendingExtension);
        Spec.Incident().Given(history)
            .When(new RequestExtension(Id, TownSquad, TimeLimit.WorkingHours(2), "再次申请", Handler, At(2026, 2, 14, 12, 0)))
            .Then(new ExtensionRequested(Id, TownSquad, TimeLimit.WorkingHours(2), "再次申请", Handler, At(2026, 2, 14, 12, 0)));
    }

    [Fact]
    public void GivenARequestPending_WhenRequestAnother_ThenFailedPreconditionWaitForTheDecision() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2), At(2026, 2, 14, 10, 0)))
            .When(new RequestExtension(Id, TownSquad, TimeLimit.WorkingDays(1), "再加一天", Handler, At(2026, 2, 14, 10, 30)))
            .ThenFails(DomainErrorKind.FailedPrecondition,
                "Department 330282101-ZFZD already asked for 2 working days on incident inc-1 at 2026-02-14T10:00:00.0000000+08:00; wait for the decision.");

    [Fact]
    public void GivenNoRequest_WhenDecideExtension_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Signed())
            .When(new DecideExtension(Id, TownSquad, true, null, Center, At(2026, 2, 14, 11, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Department 330282101-ZFZD has no pending extension request on incident inc-1.");

    [Fact]
    public void GivenTheRequestDecidedAlready_WhenDecideAgain_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2)).ExtensionApproved(TownSquad))
            .When(new DecideExtension(Id, TownSquad, true, null, Center, At(2026, 2, 14, 12, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "has no pending extension request");

    [Fact]
    public void GivenARequestPending_WhenTheDepartmentReportsHandled_ThenTheRequestLapses() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2)).Handled(TownSquad))
            .When(new DecideExtension(Id, TownSquad, true, null, Center, At(2026, 2, 14, 12, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "has no pending extension request");

    [Fact]
    public void GivenHandled_WhenRequestExtension_ThenFailedPreconditionNoDeadlineToExtend() =>
        Spec.Incident()
            .Given(Signed().Handled(TownSquad, At(2026, 2, 14, 11, 0)))
            .When(new RequestExtension(Id, TownSquad, TimeLimit.WorkingDays(1), "补充材料", Handler, At(2026, 2, 14, 12, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "there is no deadline to extend");

    public static TheoryData<TimeLimit, string> BadExtras => new()
    {
        { TimeLimit.WorkingDays(0), "An extension must add at least one unit of time." },
        { TimeLimit.WorkingDays(-1), "Extension: -1 working days is out of range" },
        { TimeLimit.WorkingHours(0), "Extension: 0 hours is out of range" },
        { new TimeLimit(1, 0), "Extension: unit 0 is not one of" },
    };

    [Theory]
    [MemberData(nameof(BadExtras))]
    public void GivenSigned_WhenTheExtraTimeIsNotTime_ThenInvalidArgument(TimeLimit extra, string message) =>
        Spec.Incident()
            .Given(Signed())
            .When(new RequestExtension(Id, TownSquad, extra, "需要更多时间", Handler, At(2026, 2, 14, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, message);

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void GivenSigned_WhenRequestWithoutReason_ThenInvalidArgument(string reason) =>
        Spec.Incident()
            .Given(Signed())
            .When(new RequestExtension(Id, TownSquad, TimeLimit.WorkingDays(1), reason, Handler, At(2026, 2, 14, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "RequestExtension: a reason is required");

    [Fact]
    public void GivenAssignedToAnother_WhenADepartmentWithoutThisAssignmentAsks_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Signed())
            .When(new RequestExtension(Id, Cgj, TimeLimit.WorkingDays(1), "需要更多时间", Handler, At(2026, 2, 14, 10, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Incident inc-1 is not assigned to department 330282-CGJ; it cannot ask for an extension.");

    [Fact]
    public void GivenAssignedToAnother_WhenDecideForADepartmentWithoutThisAssignment_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2)))
            .When(new DecideExtension(Id, Cgj, true, null, Center, At(2026, 2, 14, 11, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "is not assigned to department 330282-CGJ; it cannot have an extension decided.");

    [Fact]
    public void GivenARequestPending_WhenTheDepartmentReturnsIt_ThenNothingIsLeftToDecide() =>
        Spec.Incident()
            .Given(Signed().ExtensionRequested(TownSquad, TimeLimit.WorkingDays(2)).Returned(TownSquad))
            .When(new DecideExtension(Id, TownSquad, true, null, Center, At(2026, 2, 14, 11, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "no longer active");

    [Theory]
    [InlineData(IncidentState.Rejected)]
    [InlineData(IncidentState.Merged)]
    [InlineData(IncidentState.Closed)]
    [InlineData(IncidentState.ResolvedOnSpot)]
    public void GivenAFinishedIncident_WhenRequestOrDecideAnExtension_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state)
    {
        Spec.Incident()
            .Given(InState(state))
            .When(new RequestExtension(Id, Cgj, TimeLimit.WorkingDays(1), "需要更多时间", Handler, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "ask for an extension"));
        Spec.Incident()
            .Given(InState(state))
            .When(new DecideExtension(Id, Cgj, true, null, Center, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "have an extension decided"));
    }
}
