using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class ReopenIncidentTests
{
    private static readonly DateTimeOffset At0900 = At(2026, 3, 10, 9, 0);

    [Theory]
    [InlineData(IncidentState.Closed)]
    [InlineData(IncidentState.ResolvedOnSpot)]
    public void GivenFinishedByClosingOrOnTheSpot_WhenReopen_ThenReopened(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new ReopenIncident(Id, "  群众反映垃圾又堆起来了  ", Center, At0900))
            .Then(new IncidentReopened(Id, "群众反映垃圾又堆起来了", Center, At0900));

    [Fact]
    public void GivenReopenedEvent_WhenFolded_ThenRegisteredAgainWithTheAssignmentsWithdrawn()
    {
        var closed = InState(IncidentState.Closed);
        var registeredAt = closed.State.RegisteredAt;

        var incident = closed.Reopened(At0900).State;

        Assert.Equal(IncidentState.Registered, incident.State);
        Assert.True(incident.IsOpen);
        Assert.Equal(1, incident.Reopens);
        Assert.Null(incident.ClosedAt);
        Assert.Null(incident.VerifiedAt);
        Assert.Equal(registeredAt, incident.RegisteredAt);
        var withdrawn = Assert.Single(incident.Assignments);
        Assert.Equal((AssignmentState.Withdrawn, At0900), (withdrawn.State, withdrawn.WithdrawnAt));
        Assert.Null(incident.LeadDepartmentCode);
        Assert.Empty(incident.ActiveAssignments);
    }

    [Fact]
    public void GivenReopened_WhenDispatchedAgain_ThenTheDepartmentStartsNewClocks()
    {
        var incident = InState(IncidentState.Closed).Reopened(At0900).DispatchedAt(At(2026, 3, 10, 10, 0), Cgj).State;

        Assert.Equal(IncidentState.Dispatched, incident.State);
        Assert.Equal(2, incident.Assignments.Count);
        var fresh = incident.ActiveAssignmentOf(Cgj)!;
        Assert.Equal((AssignmentState.Dispatched, At(2026, 3, 10, 10, 0)), (fresh.State, fresh.DispatchedAt));
        Assert.Equal(At(2026, 3, 11, 17, 30), fresh.SignDeadline); // 1 working day after Tuesday 03-10
    }

    [Fact]
    public void GivenResolvedOnTheSpotFromReported_WhenReopened_ThenRegisteredFromTheReopening() =>
        Assert.Equal(At0900, InState(IncidentState.ResolvedOnSpot).Reopened(At0900).State.RegisteredAt);

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void GivenClosed_WhenReopenWithoutReason_ThenInvalidArgument(string reason) =>
        Spec.Incident()
            .Given(InState(IncidentState.Closed))
            .When(new ReopenIncident(Id, reason, Center, At0900))
            .ThenFails(DomainErrorKind.InvalidArgument, "ReopenIncident: a reason is required");

    [Fact]
    public void GivenClosed_WhenReopenWithAReasonOver500Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(InState(IncidentState.Closed))
            .When(new ReopenIncident(Id, new string('又', 501), Center, At0900))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 500");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Closed, IncidentState.ResolvedOnSpot);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAnyStateButClosed_WhenReopen_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new ReopenIncident(Id, "问题再次出现", Center, At0900))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be reopened"));
}
