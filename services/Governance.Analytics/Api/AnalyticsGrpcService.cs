using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Security;

namespace Governance.Analytics.Api;

/// <summary>governance.v1.AnalyticsService, bound by name from the protoc descriptor; the answers come from <see cref="AnalyticsQueries"/>.</summary>
public sealed class AnalyticsGrpcService(AnalyticsQueries queries)
{
    /// <summary>A WatchRates stream sends at most one message per this gap, however fast incidents change.</summary>
    internal static readonly TimeSpan WatchMinGap = TimeSpan.FromMilliseconds(250);

    /// <summary>Without new events, a WatchRates stream still re-judges its figures this often (overdue comes with time).</summary>
    internal static readonly TimeSpan WatchRefresh = TimeSpan.FromSeconds(30);

    public Task<GetRatesResponse> GetRates(GetRatesRequest request, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        return Task.FromResult(queries.GetRates(caller, request, reason => context.Deny(caller, reason)));
    }

    public Task<GetRankingResponse> GetRanking(GetRankingRequest request, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        return Task.FromResult(queries.GetRanking(caller, request, reason => context.Deny(caller, reason)));
    }

    public Task<GetTrendResponse> GetTrend(GetTrendRequest request, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        return Task.FromResult(queries.GetTrend(caller, request, reason => context.Deny(caller, reason)));
    }

    public Task WatchRates(WatchRatesRequest request, IServerStreamWriter<WatchRatesResponse> writer, ServerCallContext context)
    {
        var caller = context.RequireCaller();
        return queries.WatchRatesAsync(caller, request, reason => context.Deny(caller, reason),
            (message, ct) => writer.WriteAsync(message, ct), WatchMinGap, WatchRefresh, context.CancellationToken);
    }
}
