using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

public class EscalateIncidentTests
{
    private static readonly DateTimeOffset At1000 = At(2026, 3, 2, 10, 0);

    [Fact]
    public void GivenRegistered_WhenTheTownshipOfficeEscalates_ThenEscalatedFromItsTownship() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new EscalateIncident(Id, "  跨镇街河道污染，需县级协调  ", TownOffice, At1000))
            .Then(new IncidentEscalated(Id, Town, "跨镇街河道污染，需县级协调", TownOffice, At1000));

    [Fact]
    public void GivenReturned_WhenEscalate_ThenEscalated() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(TownSquad).Returned(TownSquad))
            .When(new EscalateIncident(Id, "镇级无对应部门", TownOffice, At1000))
            .Then(new IncidentEscalated(Id, Town, "镇级无对应部门", TownOffice, At1000));

    [Fact]
    public void GivenEscalatedEvent_WhenFolded_ThenWithTheCountyCenterAndMarkedForever()
    {
        var incident = Reported().Registered().Escalated(At1000).State;

        Assert.Equal(IncidentState.Escalated, incident.State);
        Assert.True(incident.Escalated);
        Assert.Equal(At1000, incident.EscalatedAt);

        var closed = Reported().Registered().Escalated(At1000).Dispatched(Cgj).Accepted(Cgj).Handled(Cgj).Verified().Closed().State;
        Assert.True(closed.Escalated);
    }

    [Fact]
    public void GivenEscalatedThenReturned_WhenEscalateAgain_ThenFailedPreconditionTheCountyHasItAlready() =>
        Spec.Incident()
            .Given(Reported().Registered().Escalated().Dispatched(Cgj).Returned(Cgj))
            .When(new EscalateIncident(Id, "再次上报", TownOffice, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Incident inc-1 was escalated already; the county center has it.");

    [Fact]
    public void GivenEscalated_WhenEscalateAgain_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(InState(IncidentState.Escalated))
            .When(new EscalateIncident(Id, "再次上报", TownOffice, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "was escalated already");

    [Fact]
    public void GivenRegisteredOutsideEveryTownship_WhenEscalate_ThenFailedPreconditionNothingToEscalate() =>
        Spec.Incident()
            .Given(Reported(grid: null).Registered())
            .When(new EscalateIncident(Id, "需县级协调", TownOffice, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "lies in no township (it is with the county center already)");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void GivenRegistered_WhenEscalateWithoutReason_ThenInvalidArgument(string reason) =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new EscalateIncident(Id, reason, TownOffice, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "EscalateIncident: a reason is required");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Registered, IncidentState.Returned, IncidentState.Escalated);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAStateTheTownshipCannotHandUp_WhenEscalate_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new EscalateIncident(Id, "需县级协调", TownOffice, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be escalated"));
}
