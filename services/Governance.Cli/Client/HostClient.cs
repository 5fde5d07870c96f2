using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Governance.Contracts.V1;
using Governance.Grpc;

namespace Governance.Cli.Client;

/// <summary>One connection to a Governance host for the duration of a command.</summary>
internal sealed class HostClient : IDisposable
{
    // Every call carries a deadline so a wedged host ends the command instead of hanging an operator's terminal.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly GrpcClient _client;

    public HostClient(Uri address, string token)
    {
        Address = address;
        _http = GrpcClient.CreateHttpClient(address);
        _client = new GrpcClient(_http)
        {
            DefaultHeaders = new Dictionary<string, string>
            {
                ["authorization"] = "Bearer " + token,
                // Recorded with the caller for the audit trail: which tool acted, not only who.
                ["x-client"] = "governance-cli/" + (typeof(HostClient).Assembly.GetName().Version?.ToString() ?? "0"),
            },
        };
    }

    public Uri Address { get; }

    public Task<ReportIncidentResponse> ReportIncidentAsync(ReportIncidentRequest request, CancellationToken cancellationToken) =>
        CallAsync<ReportIncidentRequest, ReportIncidentResponse>(GovernanceServices.IncidentService.Method("ReportIncident"), request, cancellationToken);

    public Task<GetIncidentResponse> GetIncidentAsync(GetIncidentRequest request, CancellationToken cancellationToken) =>
        CallAsync<GetIncidentRequest, GetIncidentResponse>(GovernanceServices.IncidentService.Method("GetIncident"), request, cancellationToken);

    public Task<LookupLocationResponse> LookupLocationAsync(LookupLocationRequest request, CancellationToken cancellationToken) =>
        CallAsync<LookupLocationRequest, LookupLocationResponse>(GovernanceServices.RegistryService.Method("LookupLocation"), request, cancellationToken);

    public Task<ListCategoriesResponse> ListCategoriesAsync(ListCategoriesRequest request, CancellationToken cancellationToken) =>
        CallAsync<ListCategoriesRequest, ListCategoriesResponse>(GovernanceServices.RegistryService.Method("ListCategories"), request, cancellationToken);

    public Task<ListGridsResponse> ListGridsAsync(ListGridsRequest request, CancellationToken cancellationToken) =>
        CallAsync<ListGridsRequest, ListGridsResponse>(GovernanceServices.RegistryService.Method("ListGrids"), request, cancellationToken);

    public Task<ListIncidentsResponse> ListIncidentsAsync(ListIncidentsRequest request, CancellationToken cancellationToken) =>
        CallAsync<ListIncidentsRequest, ListIncidentsResponse>(GovernanceServices.WorklistService.Method("ListIncidents"), request, cancellationToken);

    public Task<GetIncidentHistoryResponse> GetIncidentHistoryAsync(GetIncidentHistoryRequest request, CancellationToken cancellationToken) =>
        CallAsync<GetIncidentHistoryRequest, GetIncidentHistoryResponse>(GovernanceServices.WorklistService.Method("GetIncidentHistory"), request, cancellationToken);

    public Task<GetRatesResponse> GetRatesAsync(GetRatesRequest request, CancellationToken cancellationToken) =>
        CallAsync<GetRatesRequest, GetRatesResponse>(GovernanceServices.AnalyticsService.Method("GetRates"), request, cancellationToken);

    public Task<GetRankingResponse> GetRankingAsync(GetRankingRequest request, CancellationToken cancellationToken) =>
        CallAsync<GetRankingRequest, GetRankingResponse>(GovernanceServices.AnalyticsService.Method("GetRanking"), request, cancellationToken);

    public Task<GetTrendResponse> GetTrendAsync(GetTrendRequest request, CancellationToken cancellationToken) =>
        CallAsync<GetTrendRequest, GetTrendResponse>(GovernanceServices.AnalyticsService.Method("GetTrend"), request, cancellationToken);

    /// <summary>
    /// The WatchWorklist stream. Unlike the unary calls it has no deadline: a watch is meant to run until the operator
    /// stops it (the token) or the host ends it, so a deadline would only cut a healthy watch short.
    /// </summary>
    public async IAsyncEnumerable<WatchWorklistResponse> WatchWorklistAsync(
        WatchWorklistRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = _client.ServerStreamingAsync<WatchWorklistRequest, WatchWorklistResponse>(
            GovernanceServices.WorklistService.Method("WatchWorklist"), request, new CallOptions(CancellationToken: cancellationToken));
        var changes = stream.GetAsyncEnumerator(cancellationToken);
        await using (changes.ConfigureAwait(false))
        {
            while (true)
            {
                // The call starts on the first MoveNext, so a host that is not running fails here, as it does for a unary call.
                try
                {
                    if (!await changes.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (RpcException e) when (Explained(e) is { } explained)
                {
                    throw explained;
                }
                yield return changes.Current;
            }
        }
    }

    /// <summary>
    /// A WorkflowService step, found by its request type: each step has a request and a response message of its own,
    /// so the types name the method and a step cannot be sent to the wrong one.
    /// </summary>
    public Task<TResponse> WorkflowAsync<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        CallAsync<TRequest, TResponse>(
            GovernanceServices.WorkflowService.Methods.Single(m => m.InputType.ClrType == typeof(TRequest) && m.OutputType.ClrType == typeof(TResponse)),
            request, cancellationToken);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        try
        {
            return await _client.UnaryAsync<TRequest, TResponse>(
                method, request, new CallOptions(Deadline: DateTimeOffset.UtcNow + CallTimeout, CancellationToken: cancellationToken))
                .ConfigureAwait(false);
        }
        catch (RpcException e) when (Explained(e) is { } explained)
        {
            throw explained;
        }
    }

    /// <summary>
    /// The failures that are the operator's setup rather than the call, in the operator's words; null for the rest,
    /// which CommandRunner prints as their gRPC status.
    /// </summary>
    private Exception? Explained(RpcException e)
    {
        if (e.StatusCode == StatusCode.Unavailable && NobodyListens(e))
        {
            return new HostUnreachableException(Address, e);
        }
        if (Inner<HttpProtocolException>(e) is { ErrorCode: Http11Required })
        {
            // The host's second port serves HTTP/1.1 (health checks, browsers); the port numbers are easy to swap.
            return new CliUsageException(
                $"{Address.OriginalString} answers HTTP/1.1 only: that is the host's HTTP port (health checks). " +
                "gRPC is on its h2c port (Ports:Grpc, 5080 by default).");
        }
        return null;
    }

    /// <summary>The HTTP/2 error code a server sends when it will only speak HTTP/1.1 (RFC 9113, section 7).</summary>
    private const long Http11Required = 0xD;

    private static T? Inner<T>(Exception exception) where T : Exception
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found)
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>
    /// True when the connection itself failed (refused, no such host), as opposed to a host that answered
    /// UNAVAILABLE: only the first deserves "start the host".
    /// </summary>
    private static bool NobodyListens(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
                or SocketException)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose() => _http.Dispose();
}
