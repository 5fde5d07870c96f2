using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

public class ReportHandledTests
{
    private static readonly DateTimeOffset At1500 = At(2026, 3, 2, 15, 0);

    [Fact]
    public void GivenAccepted_WhenReportHandled_ThenAssignmentHandledWithNotesAndPhotos() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Cgj, "  垃圾已清运  ", [Photo("after-1")], Handler, At1500))
            .Then(new AssignmentHandled(Id, Cgj, "垃圾已清运", [Photo("after-1")], Handler, At1500));

    [Fact]
    public void GivenACategoryWithoutAfterPhoto_WhenReportHandledWithoutPhoto_ThenHandled() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Cgj, "已处理", [], Handler, At1500))
            .Then(new AssignmentHandled(Id, Cgj, "已处理", [], Handler, At1500));

    [Fact]
    public void GivenACategoryRequiringAnAfterPhoto_WhenReportHandledWithoutPhoto_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported(Garbage, category: c => c with { RequiresAfterPhoto = true }).Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Cgj, "已处理", [], Handler, At1500))
            .ThenFails(DomainErrorKind.InvalidArgument, "Category LE-0101 暴露垃圾 requires an \"after\" photo (处置后照片) with the handled report.");

    [Fact]
    public void GivenACategoryRequiringAnAfterPhoto_WhenReportHandledWithAPhoto_ThenHandled() =>
        Spec.Incident()
            .Given(Reported(Garbage, category: c => c with { RequiresAfterPhoto = true }).Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Cgj, "已处理", [Photo("after-1")], Handler, At1500))
            .Then(new AssignmentHandled(Id, Cgj, "已处理", [Photo("after-1")], Handler, At1500));

    [Fact]
    public void GivenTheOnlyAssignmentHandled_WhenFolded_ThenHandled()
    {
        var incident = Reported().Registered().Dispatched(Cgj).Accepted(Cgj).Handled(Cgj, At1500).State;

        Assert.Equal(IncidentState.Handled, incident.State);
        Assert.Equal(At1500, incident.ActiveAssignmentOf(Cgj)!.HandledAt);
        Assert.False(incident.IsOverdue(At(2026, 12, 31, 0, 0)));
    }

    [Fact]
    public void GivenDispatched_WhenReportHandledBeforeSigning_ThenFailedPreconditionSignFirst() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new ReportHandled(Id, Cgj, "已处理", [Photo("after-1")], Handler, At1500))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Department 330282-CGJ has not signed for incident inc-1; sign for it first.");

    [Fact]
    public void GivenHandledAlready_WhenReportHandledAgain_ThenFailedPreconditionWaitForVerification() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj, Sjj).Accepted(Cgj).Handled(Cgj))
            .When(new ReportHandled(Id, Cgj, "已处理", [], Handler, At1500))
            .ThenFails(DomainErrorKind.FailedPrecondition, "already reported incident inc-1 handled; wait for the verification.");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void GivenAccepted_WhenTheNotesAreEmpty_ThenInvalidArgument(string notes) =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Cgj, notes, [], Handler, At1500))
            .ThenFails(DomainErrorKind.InvalidArgument, "ReportHandled: the note is empty");

    [Fact]
    public void GivenAccepted_WhenTheNotesAreOver2000Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Cgj, new string('记', 2001), [], Handler, At1500))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 2000");

    [Fact]
    public void GivenAccepted_WhenTenPhotos_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Cgj, "已处理", [.. Enumerable.Range(1, 10).Select(i => Photo($"p-{i}"))], Handler, At1500))
            .ThenFails(DomainErrorKind.InvalidArgument, "10 photos attached; at most 9");

    [Fact]
    public void GivenDispatchedToAnother_WhenADepartmentWithoutThisAssignmentReportsHandled_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportHandled(Id, Sthj, "已处理", [], Handler, At1500))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Incident inc-1 is not assigned to department 330282-STHJ; it cannot report it handled.");

    [Fact]
    public void GivenWithdrawnByARedispatch_WhenTheOldDepartmentReportsHandled_ThenFailedPreconditionNoLongerActive() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj, Sjj).Accepted(Sjj).Returned(Cgj).Dispatched(Sthj))
            .When(new ReportHandled(Id, Sjj, "已处理", [], Handler, At1500))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Department 330282-SJJ's assignment on incident inc-1 is no longer active");

    [Theory]
    [InlineData(IncidentState.Rejected)]
    [InlineData(IncidentState.Merged)]
    [InlineData(IncidentState.Closed)]
    [InlineData(IncidentState.ResolvedOnSpot)]
    public void GivenAFinishedIncident_WhenReportHandled_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new ReportHandled(Id, Cgj, "已处理", [], Handler, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "report it handled"));
}
