using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

public class ResolveOnSpotTests
{
    private static readonly DateTimeOffset At0915 = At(2026, 3, 2, 9, 15);

    [Theory]
    [InlineData(IncidentState.Reported)]
    [InlineData(IncidentState.Registered)]
    public void GivenNotYetDispatched_WhenTheReporterResolvesItOnTheSpot_ThenResolvedOnSpot(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new ResolveOnSpot(Id, "  已将散落垃圾归拢入桶  ", [Photo("after-1") with { Sha256 = new string('D', 64) }], Worker, At0915))
            .Then(new IncidentResolvedOnSpot(Id, "已将散落垃圾归拢入桶", [Photo("after-1") with { Sha256 = new string('d', 64) }], Worker, At0915));

    [Fact]
    public void GivenResolvedOnSpotEvent_WhenFolded_ThenFinishedAtGridLevel()
    {
        var incident = Reported().ResolvedOnSpot(At0915).State;

        Assert.Equal(IncidentState.ResolvedOnSpot, incident.State);
        Assert.Equal(At0915, incident.ClosedAt);
        Assert.False(incident.IsOpen);
        Assert.False(incident.Escalated);
        Assert.Empty(incident.Assignments);
    }

    [Fact]
    public void GivenReported_WhenAnotherGridWorkerResolvesIt_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported())
            .When(new ResolveOnSpot(Id, "已处理", [Photo("after-1")], OtherWorker, At0915))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Only the reporting grid worker (gw-007) may resolve incident inc-1 on the spot.");

    [Fact]
    public void GivenReported_WhenTheCenterResolvesItOnTheSpot_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported())
            .When(new ResolveOnSpot(Id, "已处理", [], Center, At0915))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Only the reporting grid worker");

    [Fact]
    public void GivenACategoryRequiringAnAfterPhoto_WhenResolvedWithoutPhoto_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported(Garbage, category: c => c with { RequiresAfterPhoto = true }))
            .When(new ResolveOnSpot(Id, "已处理", [], Worker, At0915))
            .ThenFails(DomainErrorKind.InvalidArgument, "Category LE-0101 暴露垃圾 requires an \"after\" photo (处置后照片) to resolve it on the spot.");

    [Fact]
    public void GivenACategoryWithoutAfterPhoto_WhenResolvedWithoutPhoto_ThenResolved() =>
        Spec.Incident()
            .Given(Reported())
            .When(new ResolveOnSpot(Id, "已劝离", [], Worker, At0915))
            .Then(new IncidentResolvedOnSpot(Id, "已劝离", [], Worker, At0915));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void GivenReported_WhenTheNotesAreEmpty_ThenInvalidArgument(string notes) =>
        Spec.Incident()
            .Given(Reported())
            .When(new ResolveOnSpot(Id, notes, [Photo("after-1")], Worker, At0915))
            .ThenFails(DomainErrorKind.InvalidArgument, "ResolveOnSpot: the note is empty");

    [Fact]
    public void GivenReported_WhenTheNotesAreOver2000Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new ResolveOnSpot(Id, new string('理', 2001), [Photo("after-1")], Worker, At0915))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 2000");

    [Fact]
    public void GivenReported_WhenAPhotoIsFromTheFuture_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new ResolveOnSpot(Id, "已处理", [Photo("after-1") with { TakenAt = At0915.AddMinutes(6) }], Worker, At0915))
            .ThenFails(DomainErrorKind.InvalidArgument, "in the future");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Reported, IncidentState.Registered);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAnyStateButReportedOrRegistered_WhenResolveOnSpot_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new ResolveOnSpot(Id, "已处理", [Photo("after-1")], Worker, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be resolved on the spot"));
}
