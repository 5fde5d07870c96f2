using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class VerifyIncidentTests
{
    private static readonly DateTimeOffset At0900 = At(2026, 3, 3, 9, 0);

    [Fact]
    public void GivenHandled_WhenTheCenterPasses_ThenVerified() =>
        Spec.Incident()
            .Given(InState(IncidentState.Handled))
            .When(new VerifyIncident(Id, true, "  现场已清理干净  ", Center, At0900))
            .Then(new IncidentVerified(Id, "现场已清理干净", Center, At0900));

    [Fact]
    public void GivenHandled_WhenTheReportingGridWorkerPasses_ThenVerified() =>
        Spec.Incident()
            .Given(InState(IncidentState.Handled))
            .When(new VerifyIncident(Id, true, null, Worker, At0900))
            .Then(new IncidentVerified(Id, null, Worker, At0900));

    [Fact]
    public void GivenHandledByLeadAndAssistant_WhenTheCheckFails_ThenReworkForBothDepartments() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj, Sjj).Accepted(Cgj).Accepted(Sjj).Handled(Sjj).Handled(Cgj))
            .When(new VerifyIncident(Id, false, "  仍有垃圾堆放  ", Center, At0900))
            .Then(new ReworkRequired(Id, "仍有垃圾堆放", [Cgj, Sjj], Center, At0900));

    [Fact]
    public void GivenHandledAfterAReturn_WhenTheCheckFails_ThenReworkOnlyForTheDepartmentStillAssigned() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Returned(Cgj).Dispatched(Sjj).Accepted(Sjj).Handled(Sjj))
            .When(new VerifyIncident(Id, false, "未处理到位", Center, At0900))
            .Then(new ReworkRequired(Id, "未处理到位", [Sjj], Center, At0900));

    [Fact]
    public void GivenVerifiedEvent_WhenFolded_ThenVerifiedAndCounted()
    {
        var incident = InState(IncidentState.Handled).Verified(At0900).State;

        Assert.Equal(IncidentState.Verified, incident.State);
        Assert.Equal(At0900, incident.VerifiedAt);
        Assert.Equal((1, 0), (incident.Verifications, incident.FailedVerifications));
    }

    [Fact]
    public void GivenHandled_WhenTheCheckFailsWithoutReason_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(InState(IncidentState.Handled))
            .When(new VerifyIncident(Id, false, " ", Center, At0900))
            .ThenFails(DomainErrorKind.InvalidArgument, "VerifyIncident (failed): a reason is required");

    [Fact]
    public void GivenHandled_WhenAPassingNoteIsOver500Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(InState(IncidentState.Handled))
            .When(new VerifyIncident(Id, true, new string('好', 501), Center, At0900))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 500");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GivenHandled_WhenAGridWorkerOtherThanTheReporterVerifies_ThenFailedPrecondition(bool passed) =>
        Spec.Incident()
            .Given(InState(IncidentState.Handled))
            .When(new VerifyIncident(Id, passed, "看过了", OtherWorker, At0900))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Only the reporting grid worker (gw-007) or a command center may verify incident inc-1.");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Handled);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAnyStateButHandled_WhenVerify_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new VerifyIncident(Id, true, null, Center, At(2026, 3, 4, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be verified"));
}
