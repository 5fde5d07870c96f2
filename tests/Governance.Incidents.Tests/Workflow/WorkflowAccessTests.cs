using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests.Workflow;

/// <summary>
/// Roles and region scope on the real host: who may report where, who may read what, what a township office may do
/// before and after escalation, and the smaller steps (resolve on the spot, reopen, supervise, extensions, merge,
/// retries) with the status each refusal gets. Every refused call leaves the incident as it was.
/// </summary>
public sealed class WorkflowAccessTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private const string County = "330290";
    private const string Dispute = "SG-0102"; // manual: waits for the center

    private StandaloneHost Host => world.Host;

    private Grid GridA => world.Grids[10];

    private Grid GridInOtherTownship => world.Grids.First(g => g.Township.Code != GridA.Township.Code);

    private WorkflowCalls Center => new(Host, Host.TokenFor("zx-acc", ActorRole.CountyCenter, [County]));

    private WorkflowCalls TownshipOffice(string township) => new(Host, Host.TokenFor("zh-" + township, ActorRole.TownshipOffice, [township]));

    private WorkflowCalls Department(string code) => new(Host, Host.TokenFor("bm-" + code, ActorRole.DepartmentHandler, [County], code));

    private async Task<(Incident Incident, string Token)> ReportInGridA(string category = Dispute)
    {
        var reporter = "wg-" + Guid.NewGuid().ToString("N")[..8];
        var token = Host.TokenFor(reporter, ActorRole.GridWorker, [GridA.Code]);
        var incident = (await Host.ReportAsync(Reports.At(GridA.InteriorPoint, category, reporter: reporter), token)).Incident;
        return (incident, token);
    }

    [Fact]
    public async Task GivenAGridWorkerOfOneGrid_WhenReportingInAnotherGridOrByTheWrongChannel_ThenPermissionDeniedAndNothingStored()
    {
        var token = Host.TokenFor("wg-one-grid", ActorRole.GridWorker, [GridA.Code]);
        var elsewhere = Reports.At(GridInOtherTownship.InteriorPoint, reporter: "wg-one-grid");
        var byHotline = Reports.At(GridA.InteriorPoint, reporter: "wg-one-grid");
        byHotline.Channel = Channel.Hotline12345;

        foreach (var request in new[] { elsewhere, byHotline })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Host.ReportAsync(request, token));
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            var id = Reporting.IncidentIds.For(request.ReporterId, request.ClientReportId);
            Assert.Equal(0, await Host.Store.GetStreamVersionAsync("incident-" + id));
        }
    }

    [Theory]
    [InlineData(ActorRole.Leader, null)]
    [InlineData(ActorRole.DepartmentHandler, "330290-CGJ")]
    [InlineData(ActorRole.Administrator, null)]
    public async Task GivenARoleThatDoesNotReport_WhenReporting_ThenPermissionDenied(ActorRole role, string? department)
    {
        var token = Host.TokenFor("x-" + role, role, [County], department);
        var request = Reports.At(GridA.InteriorPoint, reporter: "x-" + role);
        request.Channel = Channel.Citizen;

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.ReportAsync(request, token));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GivenTheCountyCenter_WhenRecordingAHotlineCall_ThenAcceptedButNotAsAnAppReport()
    {
        var token = Host.TokenFor("zx-hotline", ActorRole.CountyCenter, [County]);
        var request = Reports.At(GridA.InteriorPoint, Dispute, reporter: "zx-hotline");
        request.Channel = Channel.Hotline12345;

        var incident = (await Host.ReportAsync(request, token)).Incident;
        Assert.Equal(Channel.Hotline12345, incident.Channel);
        Assert.Equal(("zx-hotline", "county_center"), (incident.History[0].Actor.Subject, incident.History[0].Actor.Role));

        // The audit names the role the token carries, not one guessed from the channel.
        var township = GridA.Township.Code;
        var office = Reports.At(GridA.InteriorPoint, Dispute, reporter: "zh-hotline");
        office.Channel = Channel.Citizen;
        var recorded = (await Host.ReportAsync(office, Host.TokenFor("zh-hotline", ActorRole.TownshipOffice, [township]))).Incident;
        Assert.Equal("township_office", recorded.History[0].Actor.Role);

        var app = Reports.At(GridA.InteriorPoint, Dispute, reporter: "zx-hotline");
        var error = await Assert.ThrowsAsync<RpcException>(() => Host.ReportAsync(app, token));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GivenAReport_WhenReadByEachRole_ThenOnlyItsReporterItsDepartmentsAndItsRegionSeeIt()
    {
        var (incident, reporterToken) = await ReportInGridA();
        incident = await Center.Register(incident);
        incident = await Center.Dispatch(incident, "330290-SFJ");

        async Task<StatusCode> Read(string token)
        {
            try
            {
                await Host.CallAsync<GetIncidentRequest, GetIncidentResponse>("IncidentService", "GetIncident",
                    new GetIncidentRequest { IncidentId = incident.IncidentId }, token);
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }

        Assert.Equal(StatusCode.OK, await Read(reporterToken));
        Assert.Equal(StatusCode.PermissionDenied, await Read(Host.TokenFor("wg-stranger", ActorRole.GridWorker, [GridA.Code])));
        Assert.Equal(StatusCode.OK, await Read(Host.TokenFor("bm-sfj", ActorRole.DepartmentHandler, [County], "330290-SFJ")));
        Assert.Equal(StatusCode.PermissionDenied, await Read(Host.TokenFor("bm-cgj", ActorRole.DepartmentHandler, [County], "330290-CGJ")));
        Assert.Equal(StatusCode.OK, await Read(Host.TokenFor("zh-own", ActorRole.TownshipOffice, [GridA.Township.Code])));
        Assert.Equal(StatusCode.PermissionDenied, await Read(Host.TokenFor("zh-other", ActorRole.TownshipOffice, [GridInOtherTownship.Township.Code])));
        Assert.Equal(StatusCode.OK, await Read(Host.TokenFor("ld-county", ActorRole.Leader, [County])));
        Assert.Equal(StatusCode.PermissionDenied, await Read(Host.TokenFor("ld-elsewhere", ActorRole.Leader, ["330291"])));
    }

    [Fact]
    public async Task GivenATownshipOffice_WhenItDispatchesAndEscalates_ThenItKeepsToItsTownshipAndLetsGoAfterEscalating()
    {
        var township = GridA.Township.Code;
        var office = TownshipOffice(township);
        var (incident, _) = await ReportInGridA();

        incident = await office.Register(incident, "镇级立案");
        var error = await Assert.ThrowsAsync<RpcException>(() => office.Dispatch(incident, "330290-SFJ"));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("Escalate", error.Detail);

        incident = await office.Dispatch(incident, township + "-ZZB");
        incident = await Department(township + "-ZZB").Return(incident, "调解未果，需县级部门处理");
        incident = (await office.CallAsync<EscalateIncidentRequest, EscalateIncidentResponse>("EscalateIncident",
            new() { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, Reason = "涉及县级职能部门" })).Incident;
        Assert.Equal(IncidentState.Escalated, incident.State);
        Assert.True(incident.Escalated);

        error = await Assert.ThrowsAsync<RpcException>(() => office.Dispatch(incident, township + "-ZZB"));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("escalated", error.Detail);
        incident = await Center.Dispatch(incident, "330290-SFJ");
        Assert.Equal(IncidentState.Dispatched, incident.State);
        Assert.True(incident.CrossDepartment);
    }

    [Fact]
    public async Task GivenAReport_WhenItsReporterResolvesItOnTheSpotAndTheCenterReopensIt_ThenClosedAtGridLevelThenBackForDispatch()
    {
        var (incident, reporterToken) = await ReportInGridA();
        var reporter = new WorkflowCalls(Host, reporterToken);
        var request = new ResolveOnSpotRequest { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, Notes = "当场劝和，双方握手言和" };

        var stranger = new WorkflowCalls(Host, Host.TokenFor("wg-stranger2", ActorRole.GridWorker, [GridA.Code]));
        var error = await Assert.ThrowsAsync<RpcException>(() => stranger.CallAsync<ResolveOnSpotRequest, ResolveOnSpotResponse>("ResolveOnSpot", request));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);

        incident = (await reporter.CallAsync<ResolveOnSpotRequest, ResolveOnSpotResponse>("ResolveOnSpot", request)).Incident;
        Assert.Equal(IncidentState.ResolvedOnSpot, incident.State);
        Assert.NotNull(incident.ClosedAt);

        incident = (await Center.CallAsync<ReopenIncidentRequest, ReopenIncidentResponse>("ReopenIncident",
            new() { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, Reason = "当事人再次投诉" })).Incident;
        Assert.Equal(IncidentState.Registered, incident.State);
        Assert.Equal(1, incident.Reopens);
        Assert.Null(incident.ClosedAt);
    }

    [Fact]
    public async Task GivenADispatchedIncident_WhenSupervisedAndAnExtensionIsAskedAndApproved_ThenCountedAndTheDeadlineMoves()
    {
        var (incident, _) = await ReportInGridA();
        incident = await Center.Register(incident);
        incident = await Center.Dispatch(incident, "330290-SFJ");
        var justice = Department("330290-SFJ");
        incident = await justice.Sign(incident);
        var before = incident.Assignments[0].HandleDeadline.ToDateTimeOffset();

        incident = (await Center.CallAsync<SuperviseIncidentRequest, SuperviseIncidentResponse>("SuperviseIncident",
            new() { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, Note = "请加快调解进度" })).Incident;
        Assert.Equal(1, incident.Supervisions);
        Assert.Equal(IncidentState.Accepted, incident.State);

        incident = (await justice.CallAsync<RequestExtensionRequest, RequestExtensionResponse>("RequestExtension", new()
        {
            IncidentId = incident.IncidentId,
            ExpectedVersion = incident.Version,
            Extra = new TimeLimit { Amount = 3, Unit = TimeLimitUnit.WorkingDays },
            Reason = "需等待土地确权结果",
        })).Incident;
        Assert.Equal(3, incident.Assignments[0].PendingExtension.Extra.Amount);

        var decide = new DecideExtensionRequest { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, DepartmentCode = "330290-SFJ", Approve = true };
        var error = await Assert.ThrowsAsync<RpcException>(() => justice.CallAsync<DecideExtensionRequest, DecideExtensionResponse>("DecideExtension", decide));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        incident = (await Center.CallAsync<DecideExtensionRequest, DecideExtensionResponse>("DecideExtension", decide)).Incident;

        var assignment = incident.Assignments[0];
        Assert.Null(assignment.PendingExtension);
        Assert.Equal(1, assignment.Extensions);
        Assert.True(assignment.HandleDeadline.ToDateTimeOffset() >= before.AddDays(3));
        Assert.Contains(incident.History, h => h.Type == "incident.extension-approved.v1" && h.Actor.Subject == "zx-acc");
    }

    [Fact]
    public async Task GivenTwoReportsOfOneProblem_WhenTheCenterMergesOneIntoTheOther_ThenBothRecordItAndARetryChangesNothing()
    {
        var (target, _) = await ReportInGridA();
        var (duplicate, _) = await ReportInGridA();
        var request = new MergeIncidentRequest { IncidentId = duplicate.IncidentId, ExpectedVersion = duplicate.Version, IntoIncidentId = target.IncidentId, Note = "同一纠纷重复上报" };

        var merged = await Center.CallAsync<MergeIncidentRequest, MergeIncidentResponse>("MergeIncident", request);
        var retried = await Center.CallAsync<MergeIncidentRequest, MergeIncidentResponse>("MergeIncident", request);

        Assert.True(merged.Changed);
        Assert.Equal(IncidentState.Merged, merged.Incident.State);
        Assert.Equal(target.IncidentId, merged.Incident.MergedIntoIncidentId);
        Assert.False(retried.Changed);
        var storedTarget = await Host.GetIncidentAsync(target.IncidentId);
        Assert.Equal([duplicate.IncidentId], storedTarget.MergedIncidentIds);
        Assert.Equal(IncidentState.Reported, storedTarget.State);
        Assert.Equal(2, storedTarget.Version);

        var (another, _) = await ReportInGridA();
        var error = await Assert.ThrowsAsync<RpcException>(() => Center.CallAsync<MergeIncidentRequest, MergeIncidentResponse>("MergeIncident",
            new() { IncidentId = another.IncidentId, ExpectedVersion = 1, IntoIncidentId = duplicate.IncidentId }));
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(target.IncidentId, error.Detail); // "merge into the target instead"
    }

    [Fact]
    public async Task GivenASignWhoseAnswerWasLost_WhenRetriedWithTheOldVersion_ThenAnsweredUnchanged()
    {
        var (incident, _) = await ReportInGridA();
        incident = await Center.Register(incident);
        incident = await Center.Dispatch(incident, "330290-SFJ");
        var justice = Department("330290-SFJ");

        var signed = await justice.CallAsync<SignAssignmentRequest, SignAssignmentResponse>("SignAssignment",
            new() { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version });
        var retry = await justice.CallAsync<SignAssignmentRequest, SignAssignmentResponse>("SignAssignment",
            new() { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version });

        Assert.True(signed.Changed);
        Assert.False(retry.Changed);
        Assert.Equal(signed.Incident.Version, retry.Incident.Version);
    }

    public static TheoryData<string, StatusCode> BadCommands() => new()
    {
        { "malformed incident id", StatusCode.InvalidArgument },
        { "no expected version", StatusCode.InvalidArgument },
        { "unknown incident", StatusCode.NotFound },
        { "unknown department", StatusCode.NotFound },
        { "command office as lead", StatusCode.InvalidArgument },
        { "close before verified", StatusCode.FailedPrecondition },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public async Task GivenABadCommand_WhenSent_ThenTheRightStatusAndNothingChanged(string what, StatusCode expected)
    {
        var (incident, _) = await ReportInGridA();
        incident = await Center.Register(incident);
        var dispatch = new DispatchIncidentRequest { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, LeadDepartmentCode = "330290-SFJ" };
        switch (what)
        {
            case "malformed incident id": dispatch.IncidentId = "not-an-id"; break;
            case "no expected version": dispatch.ExpectedVersion = 0; break;
            case "unknown incident": dispatch.IncidentId = new string('0', 32); break;
            case "unknown department": dispatch.LeadDepartmentCode = "330290-NOPE"; break;
            case "command office as lead": dispatch.LeadDepartmentCode = "330290-ZHZX"; break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => what == "close before verified"
            ? Center.Close(incident)
            : Center.CallAsync<DispatchIncidentRequest, DispatchIncidentResponse>("DispatchIncident", dispatch));

        Assert.Equal(expected, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        if (what == "close before verified")
            Assert.Contains("Allowed now", error.Detail);
        Assert.Equal(incident.Version, (await Host.GetIncidentAsync(incident.IncidentId)).Version);
    }
}
