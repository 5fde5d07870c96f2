using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class SignAssignmentTests
{
    private static readonly DateTimeOffset At1000 = At(2026, 3, 2, 10, 0);

    [Fact]
    public void GivenDispatched_WhenTheLeadSigns_ThenAssignmentSigned() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj, Sjj))
            .When(new SignAssignment(Id, Cgj, Handler, At1000))
            .Then(new AssignmentSigned(Id, Cgj, Handler, At1000));

    [Fact]
    public void GivenDispatched_WhenTheAssistantSigns_ThenAssignmentSigned() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj, Sjj))
            .When(new SignAssignment(Id, Sjj, Handler, At1000))
            .Then(new AssignmentSigned(Id, Sjj, Handler, At1000));

    [Fact]
    public void GivenTheLeadSigned_WhenFolded_ThenAcceptedWithTheSignatureTime()
    {
        var incident = Reported().Registered().Dispatched(Cgj, Sjj).Accepted(Cgj, At1000).State;

        Assert.Equal(IncidentState.Accepted, incident.State);
        Assert.Equal(At1000, incident.ActiveAssignmentOf(Cgj)!.AcceptedAt);
        Assert.Equal(AssignmentState.Accepted, incident.ActiveAssignmentOf(Cgj)!.State);
        Assert.Equal(AssignmentState.Dispatched, incident.ActiveAssignmentOf(Sjj)!.State);
    }

    [Fact]
    public void GivenOnlyTheAssistantSigned_WhenFolded_ThenStillDispatched()
    {
        var incident = Reported().Registered().Dispatched(Cgj, Sjj).Accepted(Sjj).State;

        Assert.Equal(IncidentState.Dispatched, incident.State);
        Assert.Equal(AssignmentState.Accepted, incident.ActiveAssignmentOf(Sjj)!.State);
    }

    [Fact]
    public void GivenSignedAlready_WhenSignAgain_ThenNothing() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new SignAssignment(Id, Cgj, Handler, At1000.AddHours(1)))
            .ThenNothing();

    [Fact]
    public void GivenReturnedByTheLead_WhenTheAssistantStillAssignedSigns_ThenSignedAndTheIncidentStaysReturned()
    {
        var history = Reported().Registered().Dispatched(Cgj, Sjj).Returned(Cgj);

        Spec.Incident().Given(history).When(new SignAssignment(Id, Sjj, Handler, At1000)).Then(new AssignmentSigned(Id, Sjj, Handler, At1000));
        Assert.Equal(IncidentState.Returned, history.Accepted(Sjj, At1000).State.State);
    }

    [Fact]
    public void GivenDispatchedToAnother_WhenADepartmentWithoutThisAssignmentSigns_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new SignAssignment(Id, Sjj, Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Incident inc-1 is not assigned to department 330282-SJJ; it cannot sign for it.");

    [Fact]
    public void GivenDispatched_WhenAnUnknownDepartmentSigns_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new SignAssignment(Id, "330282-NOPE", Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "is not assigned to department 330282-NOPE");

    [Theory]
    [InlineData("")]
    [InlineData("330282 CGJ")]
    public void GivenDispatched_WhenTheDepartmentCodeIsMalformed_ThenInvalidArgument(string code) =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new SignAssignment(Id, code, Handler, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "Department code");

    [Fact]
    public void GivenTheDepartmentReturnedIt_WhenItSigns_ThenFailedPreconditionSayingItIsNoLongerActive() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Returned(Cgj))
            .When(new SignAssignment(Id, Cgj, Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Department 330282-CGJ's assignment on incident inc-1 is no longer active (returned or withdrawn)");

    [Fact]
    public void GivenRegistered_WhenADepartmentSigns_ThenFailedPreconditionNotAssigned() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new SignAssignment(Id, Cgj, Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "is not assigned to department 330282-CGJ");

    [Theory]
    [InlineData(IncidentState.Rejected)]
    [InlineData(IncidentState.Merged)]
    [InlineData(IncidentState.Closed)]
    [InlineData(IncidentState.ResolvedOnSpot)]
    public void GivenAFinishedIncident_WhenSign_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new SignAssignment(Id, Cgj, Handler, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "sign for it"));
}
