using Google.Protobuf;
using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Tests.Fixtures;

namespace Governance.Incidents.Tests.Workflow;

/// <summary>WorkflowService calls as a given token, over the host's real HTTP/2 connection.</summary>
internal sealed class WorkflowCalls(StandaloneHost host, string token)
{
    public string Token => token;

    public Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        host.Client.UnaryAsync<TRequest, TResponse>(GovernanceServices.WorkflowService.Method(method), request,
            new CallOptions(Headers: StandaloneHost.Bearer(token)));

    public async Task<Incident> Register(Incident i, string note = "") =>
        (await CallAsync<RegisterIncidentRequest, RegisterIncidentResponse>("RegisterIncident",
            new() { IncidentId = i.IncidentId, ExpectedVersion = i.Version, Note = note })).Incident;

    public async Task<Incident> Dispatch(Incident i, string lead, params string[] assisting)
    {
        var request = new DispatchIncidentRequest { IncidentId = i.IncidentId, ExpectedVersion = i.Version, LeadDepartmentCode = lead, Note = "请按职责处置" };
        request.AssistingDepartmentCodes.Add(assisting);
        return (await CallAsync<DispatchIncidentRequest, DispatchIncidentResponse>("DispatchIncident", request)).Incident;
    }

    public async Task<Incident> Sign(Incident i) =>
        (await CallAsync<SignAssignmentRequest, SignAssignmentResponse>("SignAssignment",
            new() { IncidentId = i.IncidentId, ExpectedVersion = i.Version })).Incident;

    public async Task<Incident> Return(Incident i, string reason) =>
        (await CallAsync<ReturnAssignmentRequest, ReturnAssignmentResponse>("ReturnAssignment",
            new() { IncidentId = i.IncidentId, ExpectedVersion = i.Version, Reason = reason })).Incident;

    public async Task<Incident> Handled(Incident i, string notes)
    {
        var request = new ReportHandledRequest { IncidentId = i.IncidentId, ExpectedVersion = i.Version, Notes = notes };
        request.Photos.Add(AfterPhoto());
        return (await CallAsync<ReportHandledRequest, ReportHandledResponse>("ReportHandled", request)).Incident;
    }

    public async Task<Incident> Verify(Incident i, bool passed, string note = "") =>
        (await CallAsync<VerifyIncidentRequest, VerifyIncidentResponse>("VerifyIncident",
            new() { IncidentId = i.IncidentId, ExpectedVersion = i.Version, Passed = passed, Note = note })).Incident;

    public async Task<Incident> Close(Incident i) =>
        (await CallAsync<CloseIncidentRequest, CloseIncidentResponse>("CloseIncident",
            new() { IncidentId = i.IncidentId, ExpectedVersion = i.Version, Note = "核查通过，予以结案" })).Incident;

    public static PhotoMetadata AfterPhoto() => new()
    {
        PhotoId = "after-" + Guid.NewGuid().ToString("N")[..8],
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())),
        ContentType = "image/jpeg",
        SizeBytes = 2_400_000,
    };
}
