using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class SuperviseIncidentTests
{
    private static readonly DateTimeOffset At1100 = At(2026, 3, 3, 11, 0);

    public static TheoryData<IncidentState> Supervisable => new()
    {
        IncidentState.Reported, IncidentState.Registered, IncidentState.Dispatched, IncidentState.Accepted, IncidentState.Returned,
        IncidentState.Escalated, IncidentState.Handled, IncidentState.Rework,
    };

    [Theory]
    [MemberData(nameof(Supervisable))]
    public void GivenAnOpenIncidentNotYetVerified_WhenSupervise_ThenSupervisedWithTheFirstCount(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new SuperviseIncident(Id, "  请今日内处置完毕  ", Center, At1100))
            .Then(new IncidentSupervised(Id, "请今日内处置完毕", 1, Center, At1100));

    [Fact]
    public void GivenSupervisedTwice_WhenSuperviseAgain_ThenTheThirdCountAndTheStateUnchanged()
    {
        var history = Reported().Registered().Dispatched(Cgj).Supervised().Supervised();

        Spec.Incident().Given(history).When(new SuperviseIncident(Id, "第三次督办", Center, At1100))
            .Then(new IncidentSupervised(Id, "第三次督办", 3, Center, At1100));
        var incident = history.State;
        Assert.Equal((IncidentState.Dispatched, 2), (incident.State, incident.Supervisions));
    }

    [Fact]
    public void GivenDispatched_WhenSuperviseWithoutNote_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(InState(IncidentState.Dispatched))
            .When(new SuperviseIncident(Id, " ", Center, At1100))
            .ThenFails(DomainErrorKind.InvalidArgument, "SuperviseIncident: the note is empty");

    [Fact]
    public void GivenDispatched_WhenTheNoteIsOver2000Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(InState(IncidentState.Dispatched))
            .When(new SuperviseIncident(Id, new string('督', 2001), Center, At1100))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 2000");

    public static TheoryData<IncidentState> NotNow => new()
    {
        IncidentState.Rejected, IncidentState.Merged, IncidentState.Verified, IncidentState.Closed, IncidentState.ResolvedOnSpot,
    };

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenFinishedOrVerified_WhenSupervise_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new SuperviseIncident(Id, "请加快", Center, At1100))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be supervised"));
}
