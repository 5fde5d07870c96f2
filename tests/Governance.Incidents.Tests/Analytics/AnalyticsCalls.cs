using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Tests.Fixtures;

namespace Governance.Incidents.Tests.Analytics;

/// <summary>What one JSON route answered: the status, the body as sent, and the body parsed.</summary>
internal sealed record JsonAnswer(HttpStatusCode Status, string Text, JsonNode? Body, string? ContentType, string? WwwAuthenticate)
{
    /// <summary>The answer as the response message, parsed strictly (an unknown field fails), after asserting 200.</summary>
    public T As<T>() where T : IMessage<T>, new()
    {
        Xunit.Assert.True(Status == HttpStatusCode.OK, $"{(int)Status} {Status}: {Text}");
        return new JsonParser(JsonParser.Settings.Default).Parse<T>(Text);
    }

    /// <summary>The refusal's gRPC status name and message ({"error":{"code","message"}}).</summary>
    public (string Code, string Message) Error =>
        ((string?)Body?["error"]?["code"] ?? "", (string?)Body?["error"]?["message"] ?? "");

    public override string ToString() => $"{(int)Status} {Status}: {Text}";
}

/// <summary>
/// AnalyticsService as one caller sees it, both ways a client reaches it: gRPC on the host's h2c port and the JSON
/// routes on its HTTP port. No token (null) sends no authorization at all.
/// </summary>
internal sealed class AnalyticsCalls(StandaloneHost host, GrpcClient bareClient, HttpClient http, string? token)
{
    public Task<GetRatesResponse> GetRates(RateFilter? filter = null) =>
        Unary<GetRatesRequest, GetRatesResponse>("GetRates", new GetRatesRequest { Filter = filter ?? new RateFilter() });

    public Task<GetRankingResponse> GetRanking(RankingDimension dimension, RateKind orderBy, RateFilter? filter = null, int limit = 0) =>
        Unary<GetRankingRequest, GetRankingResponse>("GetRanking",
            new GetRankingRequest { Filter = filter ?? new RateFilter(), Dimension = dimension, OrderBy = orderBy, Limit = limit });

    public Task<GetTrendResponse> GetTrend(TrendPeriod period, RateFilter filter) =>
        Unary<GetTrendRequest, GetTrendResponse>("GetTrend", new GetTrendRequest { Filter = filter, Period = period });

    /// <summary>The WatchRates stream; the call lasts until the enumeration stops.</summary>
    public IAsyncEnumerable<WatchRatesResponse> WatchRates(RateFilter? filter = null, CancellationToken cancellationToken = default) =>
        bareClient.ServerStreamingAsync<WatchRatesRequest, WatchRatesResponse>(GovernanceServices.AnalyticsService.Method("WatchRates"),
            new WatchRatesRequest { Filter = filter ?? new RateFilter() }, Options(cancellationToken));

    /// <summary>GET /api/analytics/{route} with the query parameters as given (names and values escaped, nothing else changed).</summary>
    public async Task<JsonAnswer> GetJson(string route, params (string Name, string Value)[] query)
    {
        using var request = Request(route, query);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            body = JsonNode.Parse(text);
        }
        return new JsonAnswer(response.StatusCode, text, body, response.Content.Headers.ContentType?.ToString(),
            response.Headers.WwwAuthenticate.ToString());
    }

    /// <summary>GET /api/analytics/rates/watch, answered as soon as the headers arrive; the caller reads the event stream.</summary>
    public Task<HttpResponseMessage> OpenEventStream(CancellationToken cancellationToken, params (string Name, string Value)[] query) =>
        http.SendAsync(Request("rates/watch", query), HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>A moment as the JSON routes take it (RFC 3339, UTC).</summary>
    public static string Json(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private HttpRequestMessage Request(string route, (string Name, string Value)[] query)
    {
        var path = "/api/analytics/" + route;
        if (query.Length > 0)
        {
            path += "?" + string.Join("&", query.Select(q => Uri.EscapeDataString(q.Name) + "=" + Uri.EscapeDataString(q.Value)));
        }
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.HttpAddress, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    private Task<TResponse> Unary<TRequest, TResponse>(string method, TRequest request)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        bareClient.UnaryAsync<TRequest, TResponse>(GovernanceServices.AnalyticsService.Method(method), request, Options(default));

    private CallOptions Options(CancellationToken cancellationToken) =>
        new(Headers: token is null ? null : StandaloneHost.Bearer(token), CancellationToken: cancellationToken);
}
