using Google.Protobuf.WellKnownTypes;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Reporting;
using Governance.Security;
using Governance.Incidents.Worklists;
using DomainState = Governance.Domain.Incidents.IncidentState;

namespace Governance.Incidents.Api;

/// <summary>
/// governance.v1.WorklistService, bound by name from the protoc descriptor. Each RPC resolves the caller to a
/// <see cref="WorklistViewer"/> and the pure rules of <see cref="WorklistRules"/> decide what it sees.
/// </summary>
public sealed class WorklistGrpcService(IncidentProjection projection, WorklistWatch watch, IncidentHistory history, TimeProvider clock)
{
    /// <summary>How long a list waits for the projection to fold writes acknowledged just before it.</summary>
    private static readonly TimeSpan ReadYourWritesLimit = TimeSpan.FromSeconds(2);

    public Task<ListIncidentsResponse> ListIncidents(ListIncidentsRequest request, ServerCallContext context) =>
        ListAsync(ViewerOf(context.RequireCaller()), request, context.CancellationToken);

    public Task WatchWorklist(WatchWorklistRequest request, IServerStreamWriter<WatchWorklistResponse> writer, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        return WatchAsync(ViewerOf(caller), request, writer, reason => context.Deny(caller, reason), context.CancellationToken);
    }

    public Task<GetIncidentHistoryResponse> GetIncidentHistory(GetIncidentHistoryRequest request, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        return HistoryAsync(ViewerOf(caller), request, reason => context.Deny(caller, reason), context.CancellationToken);
    }

    internal static WorklistViewer ViewerOf(Caller caller) => new(caller.Subject, caller.Role, caller.RegionCodes, caller.DepartmentCode);

    internal async Task<ListIncidentsResponse> ListAsync(WorklistViewer viewer, ListIncidentsRequest request, CancellationToken cancellationToken)
    {
        var query = QueryOf(request);
        var pageSize = WorklistPaging.PageSize(request.PageSize)
            ?? throw Invalid($"page_size {request.PageSize} is out of range; use 1 to {WorklistPaging.MaxPageSize}, or 0 for {WorklistPaging.DefaultPageSize}.");
        ReportKey? after = null;
        if (request.PageToken.Length > 0)
        {
            after = WorklistPaging.Decode(request.PageToken)
                ?? throw Invalid("page_token is not a token this service made; pass next_page_token back unchanged, or empty for the first page.");
        }
        var state = await projection.CurrentAtHeadAsync(ReadYourWritesLimit, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var (items, next) = WorklistPaging.Page(state.ByReport, key => state.Find(key.Id),
            incident => WorklistRules.CanSee(viewer, incident) && query.Matches(incident, now), pageSize, after);
        var response = new ListIncidentsResponse
        {
            NextPageToken = next is { } key ? WorklistPaging.Encode(key) : "",
            Position = state.Position,
        };
        response.Incidents.Add(items.Select(i => ContractMapping.ToSummary(i, now)));
        return response;
    }

    internal Task WatchAsync(WorklistViewer viewer, WatchWorklistRequest request, IServerStreamWriter<WatchWorklistResponse> writer,
        Func<string, RpcException> deny, CancellationToken cancellationToken)
    {
        var region = RegionOrNull(request.RegionCode, "region_code");
        if (region is not null && viewer.Role is ActorRole.CountyCenter or ActorRole.Leader or ActorRole.Administrator or ActorRole.TownshipOffice
            && !viewer.Covers(region))
        {
            throw deny($"region_code {region} is outside the caller's scope ({string.Join(", ", viewer.RegionCodes)}).");
        }
        return watch.RunAsync(viewer, region, request.AfterPosition, (change, ct) => writer.WriteAsync(new WatchWorklistResponse
        {
            Position = change.Position,
            Incident = ContractMapping.ToSummary(change.Incident, clock.GetUtcNow()),
            InWorklist = change.InWorklist,
            EventType = change.EventType,
        }, ct), cancellationToken);
    }

    internal async Task<GetIncidentHistoryResponse> HistoryAsync(
        WorklistViewer viewer, GetIncidentHistoryRequest request, Func<string, RpcException> deny, CancellationToken cancellationToken)
    {
        if (!IncidentIds.IsWellFormed(request.IncidentId))
        {
            throw Invalid($"incident_id '{request.IncidentId}' is not an incident id (32 lowercase hex characters, as ReportIncident returned it).");
        }
        var (incident, records) = await history.ReadAsync(request.IncidentId, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.NotFound, $"Incident {request.IncidentId} does not exist.");
        if (!WorklistRules.CanSee(viewer, incident))
        {
            throw deny($"Incident {request.IncidentId} is not visible to {viewer.Subject} ({ContractMapping.RoleName(viewer.Role)}).");
        }
        var response = new GetIncidentHistoryResponse();
        foreach (var record in records)
        {
            response.Entries.Add(new HistoryEntry
            {
                Version = record.Version,
                Type = record.Entry.EventType,
                At = Timestamp.FromDateTimeOffset(record.Entry.At),
                Actor = ContractMapping.ToContract(record.Entry.By),
                Summary = record.Entry.Note ?? "",
                Client = record.Metadata.Client ?? "",
                Peer = record.Metadata.Peer ?? "",
                Position = record.Position,
                TraceParent = record.Metadata.TraceParent ?? "",
            });
        }
        return response;
    }

    /// <summary>The request's filters, refused with INVALID_ARGUMENT where one cannot mean anything.</summary>
    internal static IncidentQuery QueryOf(ListIncidentsRequest request)
    {
        var states = new HashSet<DomainState>();
        foreach (var state in request.States)
        {
            if (state == IncidentState.Unspecified || !System.Enum.IsDefined(state))
            {
                throw Invalid($"states: {state} is not an incident state.");
            }
            states.Add((DomainState)(int)state);
        }
        var from = request.ReportedFrom?.ToDateTimeOffset();
        var to = request.ReportedTo?.ToDateTimeOffset();
        if (from is { } f && to is { } t && f >= t)
        {
            throw Invalid($"reported_from {f:O} is not before reported_to {t:O}.");
        }
        return new IncidentQuery
        {
            States = states,
            DepartmentCode = request.DepartmentCode.Length > 0 ? request.DepartmentCode : null,
            RegionCode = RegionOrNull(request.RegionCode, "region_code"),
            CategoryCode = request.CategoryCode.Length > 0 ? request.CategoryCode : null,
            OverdueOnly = request.OverdueOnly,
            SupervisedOnly = request.SupervisedOnly,
            ReportedFrom = from,
            ReportedTo = to,
        };
    }

    private static string? RegionOrNull(string code, string field)
    {
        if (code.Length == 0)
        {
            return null;
        }
        if (code.Length is not (6 or 9 or 12 or 15) || !code.All(char.IsAsciiDigit))
        {
            throw Invalid($"{field} '{code}' is not a region code (6 digits for a county, 9 a township, 12 a village, 15 a grid).");
        }
        return code;
    }

    private static RpcException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
