using Governance.Domain.Incidents;
using Governance.Incidents.Worklists;
using Xunit;
using static Governance.Incidents.Tests.Worklists.WorklistWorld;

namespace Governance.Incidents.Tests.Worklists;

public sealed class ProjectionStateTests
{
    [Fact]
    public void GivenAReportAndADispatch_WhenFolded_ThenTheChangesCarryBeforeAndAfterAndTheIndexesFollow()
    {
        var report = Reported("a");
        var reported = new IncidentReported(report.Id, report.Reporter, report.ClientReportId, report.Channel, report.Category, report.Description,
            report.Location, report.OccurredAt, report.Photos, report.Routing, report.ReportedAt);

        var state = ProjectionState.Empty
            .Apply(5, "a", reported, out var first)
            .At(9)
            .Apply(10, "a", Registered(report), out var second);

        Assert.Null(first.Before);
        Assert.Equal(IncidentReported.EventType, first.EventType);
        Assert.Same(first.After, second.Before);
        Assert.Equal(IncidentState.Registered, second.After.State);
        Assert.Equal(10, state.Position);
        Assert.Equal(10, state.Incidents["a"].Position);
        Assert.Single(state.ByReport);
        Assert.Equal("a", state.Duplicates.Find("LE-0101", new(report.Location.Longitude, report.Location.Latitude),
            new Domain.Registry.DuplicatePolicy(50, 60), Now)?.IncidentId);
    }

    [Fact]
    public void GivenAState_WhenAnEventAtAnEarlierPositionArrives_ThenRefused()
    {
        var report = Reported("a");
        var state = ProjectionState.Empty.At(20);

        Assert.Throws<InvalidOperationException>(() => state.Apply(20, "a", Registered(report), out _));
    }
}
