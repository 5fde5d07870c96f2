using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class ReportProgressTests
{
    private static readonly DateTimeOffset At1000 = At(2026, 3, 2, 10, 0);

    [Fact]
    public void GivenAccepted_WhenReportProgress_ThenProgressReportedWithTheTrimmedNoteAndPhotos() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportProgress(Id, Cgj, "  已联系产权单位  ", [Photo("p-1") with { Sha256 = new string('C', 64) }], Handler, At1000))
            .Then(new ProgressReported(Id, Cgj, "已联系产权单位", [Photo("p-1") with { Sha256 = new string('c', 64) }], Handler, At1000));

    [Fact]
    public void GivenProgressReported_WhenFolded_ThenCountedAndTheStateUnchanged()
    {
        var incident = Reported().Registered().Dispatched(Cgj).Accepted(Cgj).Progress(Cgj).Progress(Cgj).State;

        Assert.Equal(IncidentState.Accepted, incident.State);
        Assert.Equal(2, incident.ActiveAssignmentOf(Cgj)!.ProgressReports);
    }

    [Fact]
    public void GivenDispatched_WhenReportProgressBeforeSigning_ThenFailedPreconditionSignFirst() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new ReportProgress(Id, Cgj, "已到场", [], Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "has not signed for incident inc-1; sign for it first.");

    [Fact]
    public void GivenHandled_WhenReportProgress_ThenFailedPreconditionAlreadyHandled() =>
        Spec.Incident()
            .Given(InState(IncidentState.Handled))
            .When(new ReportProgress(Id, Cgj, "补充说明", [], Handler, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "already reported incident inc-1 handled");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void GivenAccepted_WhenTheNoteIsEmpty_ThenInvalidArgument(string note) =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportProgress(Id, Cgj, note, [], Handler, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "ReportProgress: the note is empty");

    [Fact]
    public void GivenAccepted_WhenTheNoteIsOver2000Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportProgress(Id, Cgj, new string('记', 2001), [], Handler, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "the note has 2001 characters; at most 2000");

    [Fact]
    public void GivenAccepted_WhenAPhotoIsNotAnImage_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportProgress(Id, Cgj, "见附件", [Photo("p-1") with { ContentType = "application/pdf" }], Handler, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "content type 'application/pdf' is not accepted");

    [Fact]
    public void GivenDispatchedToAnother_WhenADepartmentWithoutThisAssignmentReports_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReportProgress(Id, Sjj, "已到场", [], Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "is not assigned to department 330282-SJJ; it cannot report progress.");

    [Theory]
    [InlineData(IncidentState.Rejected)]
    [InlineData(IncidentState.Merged)]
    [InlineData(IncidentState.Closed)]
    [InlineData(IncidentState.ResolvedOnSpot)]
    public void GivenAFinishedIncident_WhenReportProgress_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new ReportProgress(Id, Cgj, "已到场", [], Handler, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "report progress"));
}
