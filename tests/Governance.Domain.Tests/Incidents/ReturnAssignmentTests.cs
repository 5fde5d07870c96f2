using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class ReturnAssignmentTests
{
    private static readonly DateTimeOffset At1000 = At(2026, 3, 2, 10, 0);

    [Fact]
    public void GivenDispatched_WhenTheLeadReturnsIt_ThenAssignmentReturnedWithTheTrimmedReason() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new ReturnAssignment(Id, Cgj, "  属市场监管职责  ", Handler, At1000))
            .Then(new AssignmentReturned(Id, Cgj, "属市场监管职责", Handler, At1000));

    [Fact]
    public void GivenAccepted_WhenReturn_ThenAssignmentReturned() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Accepted(Cgj))
            .When(new ReturnAssignment(Id, Cgj, "现场核实非本部门职责", Handler, At1000))
            .Then(new AssignmentReturned(Id, Cgj, "现场核实非本部门职责", Handler, At1000));

    [Fact]
    public void GivenRework_WhenReturn_ThenAssignmentReturned() =>
        Spec.Incident()
            .Given(InState(IncidentState.Rework))
            .When(new ReturnAssignment(Id, Cgj, "返工内容超出本部门职责", Handler, At(2026, 3, 3, 9, 0)))
            .Then(new AssignmentReturned(Id, Cgj, "返工内容超出本部门职责", Handler, At(2026, 3, 3, 9, 0)));

    [Fact]
    public void GivenReturnedEvent_WhenFolded_ThenBackAtTheCenterAndCounted()
    {
        var incident = Reported().Registered().Dispatched(Cgj, Sjj).ExtensionRequested(Cgj, TimeLimit.WorkingDays(1))
            .Returned(Cgj, At1000).State;

        Assert.Equal(IncidentState.Returned, incident.State);
        Assert.Equal(1, incident.Returns);
        var returned = incident.Assignments.Single(a => a.DepartmentCode == Cgj);
        Assert.Equal((AssignmentState.Returned, At1000), (returned.State, returned.ReturnedAt));
        Assert.Null(returned.PendingExtension);
        Assert.Null(incident.ActiveAssignmentOf(Cgj));
        Assert.Null(incident.LeadDepartmentCode);
        Assert.Equal([Sjj], incident.DepartmentCodes);
        Assert.True(incident.InvolvesDepartment(Cgj));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void GivenDispatched_WhenReturnWithoutReason_ThenInvalidArgument(string reason) =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new ReturnAssignment(Id, Cgj, reason, Handler, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "ReturnAssignment: a reason is required");

    [Fact]
    public void GivenDispatched_WhenReturnWithAReasonOver500Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new ReturnAssignment(Id, Cgj, new string('因', 501), Handler, At1000))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 500");

    [Fact]
    public void GivenHandledByTheDepartment_WhenItReturnsIt_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj, Sjj).Accepted(Cgj).Handled(Cgj))
            .When(new ReturnAssignment(Id, Cgj, "不属于本部门", Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "a handled assignment cannot be returned");

    [Fact]
    public void GivenDispatchedToAnother_WhenADepartmentWithoutThisAssignmentReturnsIt_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj))
            .When(new ReturnAssignment(Id, Sjj, "不属于本部门", Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Incident inc-1 is not assigned to department 330282-SJJ; it cannot return it.");

    [Fact]
    public void GivenReturnedAlready_WhenReturnAgain_ThenFailedPreconditionNoLongerActive() =>
        Spec.Incident()
            .Given(Reported().Registered().Dispatched(Cgj).Returned(Cgj))
            .When(new ReturnAssignment(Id, Cgj, "不属于本部门", Handler, At1000))
            .ThenFails(DomainErrorKind.FailedPrecondition, "no longer active");

    [Theory]
    [InlineData(IncidentState.Rejected)]
    [InlineData(IncidentState.Merged)]
    [InlineData(IncidentState.Closed)]
    [InlineData(IncidentState.ResolvedOnSpot)]
    public void GivenAFinishedIncident_WhenReturn_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new ReturnAssignment(Id, Cgj, "不属于本部门", Handler, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "return it"));
}
