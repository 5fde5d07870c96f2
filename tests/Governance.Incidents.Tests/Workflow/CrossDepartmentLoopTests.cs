using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests.Workflow;

/// <summary>
/// One cross-department incident through its whole life on the real host: report → register → dispatch (lead and
/// assistant) → the assistant returns it → re-dispatch to another assistant → sign → handle → verification fails →
/// rework → handle → verify → close. Every step is taken by a different token of the right role, and every
/// wrong-role or wrong-region attempt on the way is refused without changing the incident.
/// </summary>
public sealed class CrossDepartmentLoopTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private const string County = "330290";
    private const string Dispute = "SG-0102"; // 矛盾纠纷: no auto-dispatch, waits for the center
    private const string Justice = "330290-SFJ";  // 司法局, the lead
    private const string Police = "330290-GAJ";   // 公安局, assists, then returns it
    private const string Welfare = "330290-MZJ";  // 民政局, the assistant after the re-dispatch

    private StandaloneHost Host => world.Host;

    [Fact]
    public async Task GivenAReportedDispute_WhenEachRoleTakesItsStep_ThenItIsClosedAsCrossDepartmentWithTheReworkCounted()
    {
        var grid = world.Grids[world.Grids.Count / 2];
        var otherTownship = world.Grids.First(g => g.Township.Code != grid.Township.Code).Township.Code;
        var center = Calls(Host.TokenFor("zx-001", ActorRole.CountyCenter, [County]));
        var otherTownshipOffice = Calls(Host.TokenFor("zh-009", ActorRole.TownshipOffice, [otherTownship]));
        var leader = Calls(Host.TokenFor("ld-001", ActorRole.Leader, [County]));
        var justice = Calls(Host.TokenFor("sf-001", ActorRole.DepartmentHandler, [County], Justice));
        var police = Calls(Host.TokenFor("ga-001", ActorRole.DepartmentHandler, [County], Police));
        var welfare = Calls(Host.TokenFor("mz-001", ActorRole.DepartmentHandler, [County], Welfare));
        var reporterToken = Host.TokenFor("wg-loop", ActorRole.GridWorker, [grid.Code]);
        var reporter = Calls(reporterToken);
        var otherWorker = Calls(Host.TokenFor("wg-other", ActorRole.GridWorker, [grid.Code]));

        var request = Reports.At(grid.InteriorPoint, Dispute, reporter: "wg-loop");
        request.Description = "两户村民因宅基地边界发生纠纷，多次争吵";
        var incident = (await Host.ReportAsync(request, reporterToken)).Incident;
        Assert.Equal(IncidentState.Reported, incident.State);

        // 研: only the county center (or this township's office) registers.
        await Refused(StatusCode.PermissionDenied, incident, () => leader.Register(incident));
        await Refused(StatusCode.PermissionDenied, incident, () => otherTownshipOffice.Register(incident));
        await Refused(StatusCode.PermissionDenied, incident, () => justice.Register(incident));
        await Refused(StatusCode.Unauthenticated, incident, () => Calls("").Register(incident));
        incident = await center.Register(incident, "属实，予以立案");
        Assert.Equal((IncidentState.Registered, 2L), (incident.State, incident.Version));

        // A second dispatcher working from the old version is told it changed, with the version now.
        var stale = incident.Clone();
        stale.Version = 1;
        var conflict = await Refused(StatusCode.Aborted, incident, () => center.Dispatch(stale, Justice));
        Assert.Equal("2", conflict.Trailers["current-version"]);

        // 交: lead and assistant.
        await Refused(StatusCode.PermissionDenied, incident, () => otherTownshipOffice.Dispatch(incident, Justice));
        incident = await center.Dispatch(incident, Justice, Police);
        Assert.Equal(IncidentState.Dispatched, incident.State);
        Assert.True(incident.CrossDepartment);
        Assert.Equal([Justice, Police], incident.Assignments.Select(a => a.DepartmentCode));

        // The assistant says it is not theirs; a department not assigned cannot touch it.
        await Refused(StatusCode.PermissionDenied, incident, () => welfare.Sign(incident));
        incident = await police.Return(incident, "系民事纠纷，不属于公安职责");
        Assert.Equal(IncidentState.Returned, incident.State);

        incident = await center.Dispatch(incident, Justice, Welfare);
        Assert.Equal(IncidentState.Dispatched, incident.State);
        var active = incident.Assignments.Where(a => a.State != AssignmentState.Returned && a.State != AssignmentState.Withdrawn).ToList();
        Assert.Equal([Justice, Welfare], active.Select(a => a.DepartmentCode));
        Assert.Contains(incident.Assignments, a => a.DepartmentCode == Police && a.State == AssignmentState.Returned);
        // The department that returned it no longer has an assignment to act on.
        await Refused(StatusCode.FailedPrecondition, incident, () => police.Sign(incident));

        // 办: both sign and handle.
        incident = await justice.Sign(incident);
        Assert.Equal(IncidentState.Accepted, incident.State);
        incident = await welfare.Sign(incident);
        incident = await justice.Handled(incident, "已组织双方调解，重新测量边界");
        Assert.Equal(IncidentState.Accepted, incident.State); // the assistant is not done yet
        incident = await welfare.Handled(incident, "已走访困难户并登记救助需求");
        Assert.Equal(IncidentState.Handled, incident.State);

        // 督/结: a department, a leader and another grid worker cannot verify; the center fails it once.
        await Refused(StatusCode.PermissionDenied, incident, () => justice.Verify(incident, true));
        await Refused(StatusCode.PermissionDenied, incident, () => leader.Verify(incident, true));
        await Refused(StatusCode.PermissionDenied, incident, () => otherWorker.Verify(incident, true));
        incident = await center.Verify(incident, false, "现场核查仍有争吵，调解协议未签订");
        Assert.Equal(IncidentState.Rework, incident.State);
        Assert.Equal(1, incident.FailedVerifications);

        incident = await justice.Handled(incident, "调解协议已签订");
        Assert.Equal(IncidentState.Rework, incident.State);
        incident = await welfare.Handled(incident, "救助已落实");
        Assert.Equal(IncidentState.Handled, incident.State);

        // The reporting grid worker checks on site this time.
        incident = await reporter.Verify(incident, true, "现场已平息");
        Assert.Equal(IncidentState.Verified, incident.State);
        await Refused(StatusCode.PermissionDenied, incident, () => leader.Close(incident));
        incident = await center.Close(incident);

        Assert.Equal(IncidentState.Closed, incident.State);
        Assert.True(incident.CrossDepartment);
        Assert.Equal(1, incident.Returns);
        Assert.Equal([Police, Welfare, Justice], incident.DepartmentsInvolved); // in code order
        Assert.NotNull(incident.ClosedAt);
        var stored = await Host.GetIncidentAsync(incident.IncidentId);
        Assert.Equal(incident.Version, stored.Version);
        Assert.Equal(
            [
                "incident.reported.v1", "incident.registered.v1", "incident.dispatched.v1", "incident.assignment-returned.v1",
                "incident.dispatched.v1", "incident.assignment-signed.v1", "incident.assignment-signed.v1", "incident.assignment-handled.v1",
                "incident.assignment-handled.v1", "incident.rework-required.v1", "incident.assignment-handled.v1",
                "incident.assignment-handled.v1", "incident.verified.v1", "incident.closed.v1",
            ],
            stored.History.Select(h => h.Type));
        Assert.Equal(
            ["wg-loop", "zx-001", "zx-001", "ga-001", "zx-001", "sf-001", "mz-001", "sf-001", "mz-001", "zx-001", "sf-001", "mz-001", "wg-loop", "zx-001"],
            stored.History.Select(h => h.Actor.Subject));
        Assert.Equal("department_handler", stored.History[3].Actor.Role);
    }

    private WorkflowCalls Calls(string token) => new(Host, token);

    /// <summary>The call fails with the status, and the stored incident is exactly as before.</summary>
    private async Task<RpcException> Refused(StatusCode status, Incident before, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(status, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        var stored = await Host.GetIncidentAsync(before.IncidentId);
        Assert.Equal(before.Version, stored.Version);
        return error;
    }
}
