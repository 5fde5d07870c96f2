using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

// How the fold combines several departments' assignments (跨部门): what the rates of DOMAIN.md count.
public class CrossDepartmentTests
{
    private static IncidentHistory LeadAndAssistant() =>
        Reported().Registered().DispatchedAt(At(2026, 3, 2, 10, 0), Cgj, Sjj);

    [Fact]
    public void GivenLeadAndAssistant_WhenOnlyTheLeadHasHandled_ThenAcceptedNotHandled()
    {
        var history = LeadAndAssistant().Accepted(Cgj).Accepted(Sjj).Handled(Cgj);

        Assert.Equal(IncidentState.Accepted, history.State.State);
        Assert.Equal(IncidentState.Handled, history.Handled(Sjj).State.State);
    }

    [Fact]
    public void GivenLeadAndAssistant_WhenOnlyTheAssistantHasHandled_ThenNotHandledUntilTheLeadHas()
    {
        var history = LeadAndAssistant().Accepted(Sjj).Handled(Sjj);
        Assert.Equal(IncidentState.Dispatched, history.State.State);

        history.Accepted(Cgj);
        Assert.Equal(IncidentState.Accepted, history.State.State);
        Assert.Equal(IncidentState.Handled, history.Handled(Cgj).State.State);
    }

    [Fact]
    public void GivenLeadAndAssistant_WhenFolded_ThenCrossDepartment() =>
        Assert.True(LeadAndAssistant().State.CrossDepartment);

    [Fact]
    public void GivenOneDepartment_WhenFolded_ThenNotCrossDepartment() =>
        Assert.False(Reported().Registered().Dispatched(Cgj).Accepted(Cgj).Handled(Cgj).State.CrossDepartment);

    [Fact]
    public void GivenAReturn_WhenRedispatchedToAnotherDepartment_ThenCrossDepartment()
    {
        var history = Reported().Registered().Dispatched(Cgj).Returned(Cgj);
        Assert.False(history.State.CrossDepartment);

        var incident = history.Dispatched(Sjj).State;

        Assert.True(incident.CrossDepartment);
        Assert.Equal([Cgj, Sjj], incident.DepartmentsInvolved);
        Assert.Equal([Sjj], incident.DepartmentCodes);
        Assert.Equal(1, incident.Returns);
    }

    [Fact]
    public void GivenAReturn_WhenRedispatchedToTheSameDepartment_ThenNotCrossDepartmentAndItsClocksStartAgain()
    {
        var incident = Reported().Registered().DispatchedAt(At(2026, 3, 2, 10, 0), Cgj).Returned(Cgj)
            .DispatchedAt(At(2026, 3, 3, 10, 0), Cgj).State;

        Assert.False(incident.CrossDepartment);
        Assert.Equal(2, incident.Assignments.Count);
        Assert.Equal(At(2026, 3, 3, 10, 0), incident.ActiveAssignmentOf(Cgj)!.DispatchedAt);
        Assert.Equal(At(2026, 3, 4, 17, 30), incident.SignDeadline);
    }

    [Fact]
    public void GivenTheLeadReturned_WhenRedispatchedWithTheAssistantAsLead_ThenTheAssistantKeepsItsClocksAndSignature()
    {
        // Dispatched Monday 03-02 10:00: sign by Tuesday 17:30, handle by Monday 03-09 17:30.
        var incident = LeadAndAssistant().Accepted(Sjj, At(2026, 3, 2, 11, 0)).Returned(Cgj, At(2026, 3, 2, 14, 0))
            .DispatchedAt(At(2026, 3, 4, 9, 0), Sjj, Sthj).State;

        var kept = incident.ActiveAssignmentOf(Sjj)!;
        Assert.Equal(AssignmentRole.Lead, kept.Role);
        Assert.Equal(AssignmentState.Accepted, kept.State);
        Assert.Equal(At(2026, 3, 2, 10, 0), kept.DispatchedAt);
        Assert.Equal((At(2026, 3, 3, 17, 30), At(2026, 3, 9, 17, 30)), (kept.SignDeadline, kept.HandleDeadline));

        // Wednesday 03-04 09:00: sign by Thursday's close; handle by Wednesday 03-11 (Thu, Fri, Mon, Tue, Wed).
        var added = incident.ActiveAssignmentOf(Sthj)!;
        Assert.Equal((AssignmentRole.Assist, AssignmentState.Dispatched), (added.Role, added.State));
        Assert.Equal((At(2026, 3, 5, 17, 30), At(2026, 3, 11, 17, 30)), (added.SignDeadline, added.HandleDeadline));

        Assert.Equal(IncidentState.Accepted, incident.State); // the new lead had signed already
        Assert.Equal(Sjj, incident.LeadDepartmentCode);
        Assert.Equal(At(2026, 3, 9, 17, 30), incident.HandleDeadline);
        Assert.Equal([Cgj, Sjj, Sthj], incident.DepartmentsInvolved);
    }

    [Fact]
    public void GivenAnAssistantNoLongerNamed_WhenRedispatched_ThenItsAssignmentIsWithdrawnWithItsPendingRequest()
    {
        var incident = Reported().Registered().Dispatched(Cgj, Sjj, Sthj).Accepted(Sjj)
            .ExtensionRequested(Sjj, TimeLimit.WorkingDays(1)).Returned(Cgj).Dispatched(Sthj).State;

        var withdrawn = incident.Assignments.Single(a => a.DepartmentCode == Sjj);
        Assert.Equal(AssignmentState.Withdrawn, withdrawn.State);
        Assert.Equal(incident.History[^1].At, withdrawn.WithdrawnAt); // when the re-dispatch happened
        Assert.Null(incident.Assignments.Single(a => a.DepartmentCode == Sthj).WithdrawnAt);
        Assert.Null(withdrawn.PendingExtension);
        Assert.Equal(AssignmentState.Returned, incident.Assignments.Single(a => a.DepartmentCode == Cgj).State);
        Assert.Equal([Sthj], incident.DepartmentCodes);
        Assert.Equal(Sthj, incident.LeadDepartmentCode);
        Assert.Empty(incident.AssistingDepartmentCodes);
        Assert.Equal(IncidentState.Dispatched, incident.State);
    }

    [Fact]
    public void GivenTheAssistantHandledWhileTheLeadReturned_WhenRedispatched_ThenOnlyTheNewLeadIsAwaited()
    {
        var history = LeadAndAssistant().Accepted(Sjj).Handled(Sjj).Returned(Cgj);
        Assert.Equal(IncidentState.Returned, history.State.State); // the handled assistant does not finish a returned incident

        history.Dispatched(Sthj, Sjj);
        Assert.Equal(IncidentState.Dispatched, history.State.State);
        Assert.Equal(AssignmentState.Handled, history.State.ActiveAssignmentOf(Sjj)!.State);

        Assert.Equal(IncidentState.Handled, history.Accepted(Sthj).Handled(Sthj).State.State);
    }

    [Fact]
    public void GivenEscalatedWhileTheAssistantWorksOn_WhenTheAssistantReportsHandled_ThenTheIncidentStillWaitsForTheCountyCenter()
    {
        var history = LeadAndAssistant().Accepted(Sjj).Returned(Cgj).Escalated();

        Spec.Incident().Given(history)
            .When(new ReportHandled(Id, Sjj, "协办部分已完成", [], Handler, At(2026, 3, 3, 9, 0)))
            .Then(new AssignmentHandled(Id, Sjj, "协办部分已完成", [], Handler, At(2026, 3, 3, 9, 0)));

        var incident = history.Handled(Sjj, At(2026, 3, 3, 9, 0)).State;
        Assert.Equal(IncidentState.Escalated, incident.State);
        Assert.Null(incident.LeadDepartmentCode);

        Assert.Equal(IncidentState.Dispatched, history.Dispatched(Sthj, Sjj).State.State);
    }

    [Fact]
    public void GivenBothHandled_WhenReworkRequired_ThenBothAreSentBackAndCounted()
    {
        var incident = LeadAndAssistant().Accepted(Cgj).Accepted(Sjj).Handled(Cgj).Handled(Sjj).Rework().State;

        Assert.Equal(IncidentState.Rework, incident.State);
        Assert.Equal((1, 1), (incident.Verifications, incident.FailedVerifications));
        Assert.All(incident.ActiveAssignments, a =>
        {
            Assert.Equal(AssignmentState.Accepted, a.State);
            Assert.Null(a.HandledAt);
            Assert.Equal(1, a.Reworks);
        });
    }

    [Fact]
    public void GivenRework_WhenOneDepartmentReportsHandledAgain_ThenStillReworkUntilBothHave()
    {
        var history = LeadAndAssistant().Accepted(Cgj).Accepted(Sjj).Handled(Cgj).Handled(Sjj).Rework().Handled(Sjj);
        Assert.Equal(IncidentState.Rework, history.State.State);

        Assert.Equal(IncidentState.Handled, history.Handled(Cgj).State.State);
    }

    [Fact]
    public void GivenReworkedTwice_WhenFolded_ThenEachDepartmentCountsBoth()
    {
        var incident = LeadAndAssistant().Accepted(Cgj).Accepted(Sjj).Handled(Cgj).Handled(Sjj).Rework()
            .Handled(Cgj).Handled(Sjj).Rework().Handled(Cgj).Handled(Sjj).Verified().State;

        Assert.Equal(IncidentState.Verified, incident.State);
        Assert.Equal((3, 2), (incident.Verifications, incident.FailedVerifications));
        Assert.All(incident.ActiveAssignments, a => Assert.Equal(2, a.Reworks));
    }

    [Fact]
    public void GivenRework_WhenTheDepartmentSignsAgain_ThenNothingBecauseItNeverStoppedBeingSigned() =>
        Spec.Incident()
            .Given(InState(IncidentState.Rework))
            .When(new SignAssignment(Id, Cgj, Handler, At(2026, 3, 3, 9, 0)))
            .ThenNothing();
}
