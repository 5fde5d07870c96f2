using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class RejectIncidentTests
{
    private static readonly DateTimeOffset At0930 = At(2026, 3, 2, 9, 30);

    [Fact]
    public void GivenReported_WhenReject_ThenRejectedWithTheTrimmedReason() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RejectIncident(Id, "  属私人纠纷，不属于网格事项  ", Center, At0930))
            .Then(new IncidentRejected(Id, "属私人纠纷，不属于网格事项", Center, At0930));

    [Fact]
    public void GivenRejectedEvent_WhenFolded_ThenFinished()
    {
        var incident = Reported().Rejected().State;

        Assert.Equal(IncidentState.Rejected, incident.State);
        Assert.False(incident.IsOpen);
        Assert.Empty(IncidentDecider.AllowedSteps(incident.State));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void GivenReported_WhenRejectWithoutReason_ThenInvalidArgument(string reason) =>
        Spec.Incident()
            .Given(Reported())
            .When(new RejectIncident(Id, reason, Center, At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "RejectIncident: a reason is required");

    [Fact]
    public void GivenReported_WhenRejectWithAReasonOver500Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RejectIncident(Id, new string('因', 501), Center, At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 500");

    [Fact]
    public void GivenReported_WhenRejectWith500Characters_ThenRejected() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RejectIncident(Id, new string('因', 500), Center, At0930))
            .Then(new IncidentRejected(Id, new string('因', 500), Center, At0930));

    [Fact]
    public void GivenNoIncident_WhenReject_ThenNotFound() =>
        Spec.Incident()
            .When(new RejectIncident(Id, "重复", Center, At0930))
            .ThenFails(DomainErrorKind.NotFound);

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Reported);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAnyStateButReported_WhenReject_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new RejectIncident(Id, "不属于受理范围", Center, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be rejected"));
}
