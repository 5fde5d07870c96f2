using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class MergeIncidentTests
{
    private static readonly DateTimeOffset At0930 = At(2026, 3, 2, 9, 30);

    [Fact]
    public void GivenReported_WhenMerge_ThenMergedIntoTheTarget() =>
        Spec.Incident()
            .Given(Reported())
            .When(new MergeIncident(Id, "inc-0", "  同一处垃圾  ", Center, At0930))
            .Then(new IncidentMerged(Id, "inc-0", "同一处垃圾", Center, At0930));

    [Fact]
    public void GivenRegistered_WhenMergeWithoutNote_ThenMerged() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new MergeIncident(Id, "inc-0", null, Center, At0930))
            .Then(new IncidentMerged(Id, "inc-0", null, Center, At0930));

    [Fact]
    public void GivenMergedEvent_WhenFolded_ThenFinishedAndPointsAtTheTarget()
    {
        var incident = Reported().Merged("inc-0").State;

        Assert.Equal(IncidentState.Merged, incident.State);
        Assert.Equal("inc-0", incident.MergedInto);
        Assert.False(incident.IsOpen);
    }

    [Fact]
    public void GivenReported_WhenMergeIntoItself_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new MergeIncident(Id, Id, null, Center, At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "cannot be merged into itself");

    [Theory]
    [InlineData("")]
    [InlineData("inc 0")]
    public void GivenReported_WhenMergeIntoABadId_ThenInvalidArgument(string into) =>
        Spec.Incident()
            .Given(Reported())
            .When(new MergeIncident(Id, into, null, Center, At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "Target incident id");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Reported, IncidentState.Registered);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAnyStateButReportedOrRegistered_WhenMerge_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new MergeIncident(Id, "inc-0", null, Center, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be merged"));

    // The target's side of the merge.

    [Fact]
    public void GivenOpenTarget_WhenRecordMergedDuplicate_ThenDuplicateMerged() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new RecordMergedDuplicate(Id, "inc-9", Center, At0930))
            .Then(new DuplicateMerged(Id, "inc-9", Center, At0930));

    [Fact]
    public void GivenTheDuplicateRecordedAlready_WhenRecordMergedDuplicateAgain_ThenNothing()
    {
        var given = Reported().Events.Append(new DuplicateMerged(Id, "inc-9", Center, At0930)).ToArray();

        Spec.Incident().Given(given).When(new RecordMergedDuplicate(Id, "inc-9", Center, At0930.AddMinutes(1))).ThenNothing();
    }

    [Fact]
    public void GivenTargetMergedElsewhere_WhenRecordMergedDuplicate_ThenFailedPreconditionNamingWhereToMerge() =>
        Spec.Incident()
            .Given(Reported().Merged("inc-0"))
            .When(new RecordMergedDuplicate(Id, "inc-9", Center, At0930))
            .ThenFails(DomainErrorKind.FailedPrecondition, "merge into inc-0 instead");

    [Theory]
    [InlineData(IncidentState.Closed)]
    [InlineData(IncidentState.Rejected)]
    [InlineData(IncidentState.ResolvedOnSpot)]
    public void GivenFinishedTarget_WhenRecordMergedDuplicate_ThenFailedPrecondition(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new RecordMergedDuplicate(Id, "inc-9", Center, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "merge only into an open incident");

    [Fact]
    public void GivenTarget_WhenRecordItselfAsDuplicate_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RecordMergedDuplicate(Id, Id, Center, At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "cannot be merged into itself");
}
