using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.Incidents.Worklists;
using Xunit;
using static Governance.Incidents.Tests.Worklists.WorklistWorld;

namespace Governance.Incidents.Tests.Worklists;

public sealed class WorklistRulesTests
{
    [Fact]
    public void GivenReportsOfTwoWorkers_WhenAGridWorkerLooks_ThenOnlyItsOwn()
    {
        var mine = Reported("a", reporter: "wg-1");
        var theirs = Reported("b", reporter: "wg-2");

        Assert.True(WorklistRules.CanSee(GridWorker, mine));
        Assert.False(WorklistRules.CanSee(GridWorker, theirs));
    }

    [Fact]
    public void GivenAnIncidentReturnedByCgj_WhenCgjLooks_ThenVisibleButNotInItsWorklist()
    {
        var i = Reported();
        var returned = i.Then(Registered(i), Dispatched(i, "CGJ"), Returned(i, "CGJ"));

        Assert.True(WorklistRules.CanSee(Handler, returned));
        Assert.False(WorklistRules.InWorklist(Handler, returned));
        Assert.False(WorklistRules.CanSee(Handler, Reported("never-sent")));
    }

    [Fact]
    public void GivenADepartmentWithoutACode_WhenItLooks_ThenItSeesNothing()
    {
        var viewer = Handler with { DepartmentCode = null };

        Assert.False(WorklistRules.CanSee(viewer, AcceptedByCgj()));
    }

    [Fact]
    public void GivenIncidentsInTwoTownships_WhenATownshipOfficeLooks_ThenOnlyItsTownship()
    {
        Assert.True(WorklistRules.CanSee(TownshipOffice, Reported("a", grid: Grid)));
        Assert.False(WorklistRules.CanSee(TownshipOffice, Reported("b", grid: OtherGrid)));
        Assert.False(WorklistRules.CanSee(TownshipOffice, Reported("c", grid: null)));
    }

    [Fact]
    public void GivenAReportOutsideEveryGrid_WhenCentresLook_ThenTheCountyScopeCoversIt()
    {
        var outside = Reported(grid: null);
        var townshipCentre = CountyCenter with { RegionCodes = [Township] };

        Assert.True(WorklistRules.CanSee(CountyCenter, outside));
        Assert.True(WorklistRules.CanSee(Leader, outside));
        Assert.False(WorklistRules.CanSee(townshipCentre, outside));
        Assert.False(WorklistRules.CanSee(CountyCenter with { RegionCodes = ["330291"] }, Reported()));
    }

    [Fact]
    public void GivenCitizensAndTheSystem_WhenTheyLook_ThenNothingIsVisible()
    {
        var i = Reported(reporter: "c-1");

        Assert.False(WorklistRules.CanSee(new WorklistViewer("c-1", ActorRole.Citizen, [County], null), i));
        Assert.False(WorklistRules.CanSee(new WorklistViewer("sys", ActorRole.System, [County], null), i));
    }

    [Theory]
    [InlineData(AssignmentState.Dispatched, true)]
    [InlineData(AssignmentState.Accepted, true)]
    [InlineData(AssignmentState.Handled, false)]
    [InlineData(AssignmentState.Returned, false)]
    public void GivenCgjsAssignmentInAState_WhenAskedForItsWorklist_ThenOnlyAwaitingAction(AssignmentState state, bool inWorklist)
    {
        var i = Reported();
        var dispatched = i.Then(Registered(i), Dispatched(i, "CGJ"));
        var incident = state switch
        {
            AssignmentState.Accepted => dispatched.Then(Signed(i, "CGJ")),
            AssignmentState.Handled => dispatched.Then(Signed(i, "CGJ"), Handled(i, "CGJ")),
            AssignmentState.Returned => dispatched.Then(Returned(i, "CGJ")),
            _ => dispatched,
        };

        Assert.Equal(state, incident.Assignments.Single().State);
        Assert.Equal(inWorklist, WorklistRules.InWorklist(Handler, incident));
    }

    [Fact]
    public void GivenAnAssistingDepartment_WhenTheLeadSigns_ThenTheAssistantStillHasItToDo()
    {
        var i = Reported();
        var incident = i.Then(Registered(i), Dispatched(i, "CGJ", "SLJ"), Signed(i, "CGJ"));

        Assert.True(WorklistRules.InWorklist(Handler with { DepartmentCode = "SLJ" }, incident));
    }

    [Fact]
    public void GivenEachStateNeedingTheCentre_WhenTheTownshipAndCountyLook_ThenBothHaveIt()
    {
        var i = Reported();
        var dispatched = i.Then(Registered(i), Dispatched(i, "CGJ"));
        var cases = new[]
        {
            i,
            i.Then(Registered(i)),
            dispatched.Then(Returned(i, "CGJ")),
            dispatched.Then(Signed(i, "CGJ"), Handled(i, "CGJ")),
        };

        foreach (var incident in cases)
        {
            Assert.Contains(incident.State, WorklistRules.CenterStates);
            Assert.True(WorklistRules.InWorklist(TownshipOffice, incident), incident.State.ToString());
            Assert.True(WorklistRules.InWorklist(CountyCenter, incident), incident.State.ToString());
        }
        Assert.False(WorklistRules.InWorklist(TownshipOffice, dispatched));
        Assert.False(WorklistRules.InWorklist(CountyCenter, dispatched));
    }

    [Fact]
    public void GivenAnEscalatedIncident_WhenTheTownshipAndCountyLook_ThenOnlyTheCountyHasIt()
    {
        var i = Reported();
        var escalated = i.Then(Registered(i), Escalated(i));

        Assert.Equal(IncidentState.Escalated, escalated.State);
        Assert.False(WorklistRules.InWorklist(TownshipOffice, escalated));
        Assert.True(WorklistRules.InWorklist(CountyCenter, escalated));
    }

    [Fact]
    public void GivenOpenAndClosedIncidents_WhenTheGridWorkerAndLeaderLook_ThenOnlyOpenOnes()
    {
        var i = Reported();
        var open = i.Then(Registered(i), Dispatched(i, "CGJ"));
        var closed = open.Then(Signed(i, "CGJ"), Handled(i, "CGJ"), new IncidentVerified(i.Id, null, Center, Now), Closed(i));

        Assert.True(WorklistRules.InWorklist(GridWorker, open));
        Assert.True(WorklistRules.InWorklist(Leader, open));
        Assert.False(WorklistRules.InWorklist(GridWorker, closed));
        Assert.False(WorklistRules.InWorklist(Leader, closed));
        Assert.False(WorklistRules.InWorklist(Leader with { RegionCodes = [OtherTownship] }, open));
    }

    [Fact]
    public void GivenADispatch_WhenTheCentreWatches_ThenTheIncidentLeavesItsWorklist()
    {
        var registered = Reported().Then(Registered(Reported()));
        var dispatched = registered.Then(Dispatched(registered, "CGJ"));

        var change = WorklistRules.Change(CountyCenter, null, new IncidentChange(42, IncidentDispatched.EventType, registered, dispatched));

        Assert.NotNull(change);
        Assert.False(change.InWorklist);
        Assert.Equal(42, change.Position);
        Assert.Same(dispatched, change.Incident);
    }

    [Fact]
    public void GivenADispatch_WhenCgjWatches_ThenTheIncidentEntersItsWorklistAndASignKeepsItThere()
    {
        var i = Reported();
        var registered = i.Then(Registered(i));
        var dispatched = registered.Then(Dispatched(i, "CGJ"));
        var signed = dispatched.Then(Signed(i, "CGJ"));

        var entered = WorklistRules.Change(Handler, null, new IncidentChange(2, IncidentDispatched.EventType, registered, dispatched));
        var stayed = WorklistRules.Change(Handler, null, new IncidentChange(3, AssignmentSigned.EventType, dispatched, signed));

        Assert.True(entered?.InWorklist);
        Assert.True(stayed?.InWorklist);
        Assert.Equal(AssignmentSigned.EventType, stayed!.EventType);
    }

    [Fact]
    public void GivenChangesOutsideTheWorklist_WhenWatched_ThenNoChangeIsSent()
    {
        var i = Reported();
        var registered = i.Then(Registered(i));

        Assert.Null(WorklistRules.Change(Handler, null, new IncidentChange(2, IncidentRegistered.EventType, i, registered)));
        Assert.Null(WorklistRules.Change(GridWorker with { Subject = "wg-2" }, null, new IncidentChange(1, IncidentReported.EventType, null, i)));
    }

    [Fact]
    public void GivenAWatchNarrowedToATownship_WhenAReportArrivesElsewhere_ThenNoChange()
    {
        var here = Reported("a", grid: Grid);
        var there = Reported("b", grid: OtherGrid);

        Assert.NotNull(WorklistRules.Change(CountyCenter, Township, new IncidentChange(1, IncidentReported.EventType, null, here)));
        Assert.Null(WorklistRules.Change(CountyCenter, Township, new IncidentChange(2, IncidentReported.EventType, null, there)));
    }
}
