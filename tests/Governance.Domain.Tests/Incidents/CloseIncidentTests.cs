using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class CloseIncidentTests
{
    private static readonly DateTimeOffset At1000 = At(2026, 3, 4, 10, 0);

    [Fact]
    public void GivenVerified_WhenClose_ThenClosed() =>
        Spec.Incident()
            .Given(InState(IncidentState.Verified))
            .When(new CloseIncident(Id, "  办结  ", Center, At1000))
            .Then(new IncidentClosed(Id, "办结", Center, At1000));

    [Fact]
    public void GivenVerified_WhenCloseWithoutNote_ThenClosed() =>
        Spec.Incident()
            .Given(InState(IncidentState.Verified))
            .When(new CloseIncident(Id, null, Center, At1000))
            .Then(new IncidentClosed(Id, null, Center, At1000));

    [Fact]
    public void GivenClosedEvent_WhenFolded_ThenFinishedWithTheClosingTime()
    {
        var incident = InState(IncidentState.Verified).Closed(At1000).State;

        Assert.Equal(IncidentState.Closed, incident.State);
        Assert.Equal(At1000, incident.ClosedAt);
        Assert.False(incident.IsOpen);
        Assert.False(incident.IsOverdue(At(2027, 1, 1, 0, 0)));
    }

    [Fact]
    public void GivenVerified_WhenTheNoteIsOver500Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(InState(IncidentState.Verified))
            .When(new CloseIncident(Id, new string('结', 501), Center, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "CloseIncident: the reason has 501 characters");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Verified);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAnyStateButVerified_WhenClose_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new CloseIncident(Id, null, Center, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be closed"));
}
