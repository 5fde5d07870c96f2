using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Governance.Analytics.Api;

/// <summary>
/// The analytics queries as JSON over HTTP for the web pages: GET routes whose query parameters are the request
/// message's fields in their proto JSON names (regionCode, from, dimension, ...), answering the response message in
/// the proto3 JSON mapping (so int64 counts are strings, times RFC 3339). An unknown parameter is refused rather
/// than ignored: a misspelt filter would otherwise answer another region's figures as if they were the asked ones.
/// The bearer token is the same as for gRPC; refusals carry the gRPC status name and the HTTP status it maps to.
/// </summary>
public static class AnalyticsHttpApi
{
    public const string Prefix = "/api/analytics";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    private static readonly string[] FilterParameters = ["regionCode", "departmentCode", "categoryCode", "platform", "from", "to", "asOf"];

    public static IEndpointRouteBuilder MapAnalyticsHttpApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet($"{Prefix}/rates", (HttpContext http, AnalyticsQueries queries) => Answer(http, caller =>
            queries.GetRates(caller, Request<GetRatesRequest>(http, []), reason => http.Deny(caller, "GET rates", reason))));
        endpoints.MapGet($"{Prefix}/ranking", (HttpContext http, AnalyticsQueries queries) => Answer(http, caller =>
            queries.GetRanking(caller, Request<GetRankingRequest>(http, ["dimension", "orderBy", "limit"]), reason => http.Deny(caller, "GET ranking", reason))));
        endpoints.MapGet($"{Prefix}/trend", (HttpContext http, AnalyticsQueries queries) => Answer(http, caller =>
            queries.GetTrend(caller, Request<GetTrendRequest>(http, ["period"]), reason => http.Deny(caller, "GET trend", reason))));
        endpoints.MapGet($"{Prefix}/rates/watch", WatchAsync);
        return endpoints;
    }

    /// <summary>WatchRates as server-sent events: one `data:` line of WatchRatesResponse JSON per message.</summary>
    private static async Task WatchAsync(HttpContext http, AnalyticsQueries queries)
    {
        Caller caller;
        WatchRatesRequest request;
        try
        {
            caller = http.RequireCaller();
            request = Request<WatchRatesRequest>(http, []);
            // Resolve once before the stream starts, so a refusal is an HTTP status rather than a broken stream.
            AnalyticsAccess.Resolve(caller, request.Filter, reason => http.Deny(caller, "GET rates/watch", reason));
        }
        catch (RpcException e)
        {
            await WriteErrorAsync(http, e).ConfigureAwait(false);
            return;
        }
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        try
        {
            await queries.WatchRatesAsync(caller, request, reason => http.Deny(caller, "GET rates/watch", reason), async (message, ct) =>
            {
                await http.Response.WriteAsync($"data: {Formatter.Format(message)}\n\n", Encoding.UTF8, ct).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }, AnalyticsGrpcService.WatchMinGap, AnalyticsGrpcService.WatchRefresh, http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static async Task Answer<T>(HttpContext http, Func<Caller, T> query) where T : IMessage
    {
        try
        {
            var caller = http.RequireCaller();
            var response = query(caller);
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(Formatter.Format(response), Encoding.UTF8, http.RequestAborted).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            await WriteErrorAsync(http, e).ConfigureAwait(false);
        }
    }

    /// <summary>lower_snake (the proto field name) to lowerCamel (its JSON name); a name without '_' is left as it is.</summary>
    private static string JsonName(string name)
    {
        if (!name.Contains('_', StringComparison.Ordinal))
        {
            return name;
        }
        var parts = name.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>Builds the request message from the query string through the proto JSON parser, so names and formats are the contract's.</summary>
    private static T Request<T>(HttpContext http, string[] ownParameters) where T : IMessage, new()
    {
        var body = new JsonObject();
        var filter = new JsonObject();
        foreach (var (given, values) in http.Request.Query)
        {
            // Like the proto JSON mapping, a field's proto name (region_code) is accepted as well as its JSON name.
            var name = JsonName(given);
            if (body.ContainsKey(name) || filter.ContainsKey(name))
            {
                throw Invalid($"query parameter '{name}' is given twice (as {given} and under its other name); give it once.");
            }
            if (values.Count != 1)
            {
                throw Invalid($"query parameter '{name}' is given {values.Count} times; give it once.");
            }
            var value = values[0]!;
            if (FilterParameters.Contains(name, StringComparer.Ordinal))
            {
                filter[name] = name == "platform" ? EnumName("PLATFORM_", value) : value;
            }
            else if (ownParameters.Contains(name, StringComparer.Ordinal))
            {
                body[name] = name switch
                {
                    "dimension" => EnumName("RANKING_DIMENSION_", value),
                    "orderBy" => EnumName("RATE_KIND_", value),
                    "period" => EnumName("TREND_PERIOD_", value),
                    _ => value,
                };
            }
            else
            {
                throw Invalid($"unknown query parameter '{given}'; this route takes {string.Join(", ", FilterParameters.Concat(ownParameters))}.");
            }
        }
        body["filter"] = filter;
        try
        {
            return Parser.Parse<T>(body.ToJsonString());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Invalid($"the query parameters do not form a valid request: {e.Message}");
        }
        catch (InvalidJsonException e)
        {
            throw Invalid($"the query parameters do not form a valid request: {e.Message}");
        }
    }

    /// <summary>Lets a page write `township` or `on-time-closure` for RANKING_DIMENSION_TOWNSHIP or RATE_KIND_ON_TIME_CLOSURE.</summary>
    private static string EnumName(string prefix, string value) =>
        value.StartsWith(prefix, StringComparison.Ordinal) ? value : prefix + value.Replace('-', '_').ToUpperInvariant();

    private static Task WriteErrorAsync(HttpContext http, RpcException e)
    {
        http.Response.StatusCode = e.StatusCode switch
        {
            StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
            StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
        if (e.StatusCode == StatusCode.Unauthenticated)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
        }
        var error = new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = StatusName(e.StatusCode), ["message"] = e.Detail },
        };
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(error.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    private static string StatusName(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.Unavailable => "UNAVAILABLE",
        _ => "INTERNAL",
    };

    private static RpcException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
