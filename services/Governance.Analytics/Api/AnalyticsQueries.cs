using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Google.Protobuf.WellKnownTypes;
using Governance.Analytics.Projection;
using Governance.Analytics.Rates;
using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Security;

namespace Governance.Analytics.Api;

/// <summary>
/// The analytics queries, answered from the projection's current snapshot by <see cref="RateEngine"/>. The gRPC
/// service and the JSON routes both call these, so both answer the same figures with the same refusals.
/// </summary>
public sealed class AnalyticsQueries(IAnalyticsView view, TimeProvider clock)
{
    /// <summary>The most entries a ranking returns (a county has a few hundred grids; a province far more).</summary>
    public const int MaxRankingLimit = 10_000;

    private readonly ConditionalWeakTable<AnalyticsSnapshot, ConcurrentDictionary<RateSlice, (DateTimeOffset AsOf, Lazy<RateSheet> Sheet)>> _watchSheets = new();
    private long _watchSheetsComputed;

    /// <summary>How old a sheet another watcher had judged may be and still be sent as it is.</summary>
    internal static readonly TimeSpan WatchShareWithin = TimeSpan.FromSeconds(1);

    public GetRatesResponse GetRates(Caller caller, GetRatesRequest request, Func<string, RpcException> deny)
    {
        ArgumentNullException.ThrowIfNull(request);
        var slice = AnalyticsAccess.Resolve(caller, request.Filter, deny);
        var asOf = AnalyticsAccess.AsOf(request.Filter, clock.GetUtcNow());
        var snapshot = view.Current;
        return new GetRatesResponse
        {
            Rates = Engine(() => RateEngine.Compute(snapshot.Incidents, slice, asOf)),
            AsOf = Timestamp.FromDateTimeOffset(asOf),
            Position = snapshot.Position,
        };
    }

    public GetRankingResponse GetRanking(Caller caller, GetRankingRequest request, Func<string, RpcException> deny)
    {
        ArgumentNullException.ThrowIfNull(request);
        var slice = AnalyticsAccess.Resolve(caller, request.Filter, deny);
        if (request.Limit is < 0 or > MaxRankingLimit)
        {
            throw Invalid($"limit {request.Limit} is out of range; use 1 to {MaxRankingLimit}, or 0 for all.");
        }
        var asOf = AnalyticsAccess.AsOf(request.Filter, clock.GetUtcNow());
        var snapshot = view.Current;
        var response = new GetRankingResponse { AsOf = Timestamp.FromDateTimeOffset(asOf), Position = snapshot.Position };
        response.Entries.Add(Engine(() => RateEngine.Rank(snapshot.Incidents, slice, request.Dimension, request.OrderBy, request.Limit, asOf)));
        return response;
    }

    public GetTrendResponse GetTrend(Caller caller, GetTrendRequest request, Func<string, RpcException> deny)
    {
        ArgumentNullException.ThrowIfNull(request);
        var slice = AnalyticsAccess.Resolve(caller, request.Filter, deny);
        var asOf = AnalyticsAccess.AsOf(request.Filter, clock.GetUtcNow());
        var snapshot = view.Current;
        var response = new GetTrendResponse { AsOf = Timestamp.FromDateTimeOffset(asOf), Position = snapshot.Position };
        response.Points.Add(Engine(() => RateEngine.Trend(snapshot.Incidents, slice, request.Period, asOf)));
        return response;
    }

    /// <summary>
    /// Streams the slice's rates: once at once, then whenever the projection has a new snapshot and the figures
    /// differ, and at least every <paramref name="refresh"/> when they differ, because live counts
    /// (warned, overdue) change with time alone. Bursts are coalesced: at most one message per <paramref name="minGap"/>.
    /// </summary>
    public async Task WatchRatesAsync(Caller caller, WatchRatesRequest request, Func<string, RpcException> deny,
        Func<WatchRatesResponse, CancellationToken, Task> write, TimeSpan minGap, TimeSpan refresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(write);
        var slice = AnalyticsAccess.Resolve(caller, request.Filter, deny);
        RateSheet? last = null;
        while (true)
        {
            var snapshot = view.Current;
            var (now, rates) = SharedSheet(snapshot, slice, clock.GetUtcNow());
            if (!rates.Equals(last))
            {
                await write(new WatchRatesResponse { Rates = rates, AsOf = Timestamp.FromDateTimeOffset(now), Position = snapshot.Position },
                    cancellationToken).ConfigureAwait(false);
                last = rates;
            }
            await Task.Delay(minGap, clock, cancellationToken).ConfigureAwait(false);
            try
            {
                await view.WaitForChangeAsync(snapshot, cancellationToken)
                    .WaitAsync(refresh, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing new arrived: judge the same incidents again at the new time.
            }
        }
    }

    /// <summary>How many sheets the watchers have computed (shared ones once); for tests.</summary>
    internal long WatchSheetsComputed => Interlocked.Read(ref _watchSheetsComputed);

    /// <summary>
    /// The slice's sheet for the snapshot, judged at <paramref name="now"/> or, when another watcher of the slice had it
    /// judged less than <see cref="WatchShareWithin"/> before, that sheet and its moment: dashboards of one county
    /// watch the same few slices and each change wakes them all at once, so they share one computation. Never a
    /// moment after now, so nothing in the snapshot is judged as not yet reported. Per snapshot and slice only the
    /// latest sheet is kept, and a snapshot's sheets go when the snapshot does.
    /// </summary>
    private (DateTimeOffset AsOf, RateSheet Sheet) SharedSheet(AnalyticsSnapshot snapshot, RateSlice slice, DateTimeOffset now)
    {
        var sheets = _watchSheets.GetValue(snapshot, _ => new ConcurrentDictionary<RateSlice, (DateTimeOffset, Lazy<RateSheet>)>());
        var (asOf, sheet) = sheets.AddOrUpdate(slice,
            s => (now, Compute(snapshot, s, now)),
            (s, kept) => kept.AsOf <= now && now - kept.AsOf < WatchShareWithin ? kept : (now, Compute(snapshot, s, now)));
        return (asOf, sheet.Value);
    }

    private Lazy<RateSheet> Compute(AnalyticsSnapshot snapshot, RateSlice slice, DateTimeOffset asOf) => new(() =>
    {
        Interlocked.Increment(ref _watchSheetsComputed);
        return Engine(() => RateEngine.Compute(snapshot.Incidents, slice, asOf));
    });


    private static T Engine<T>(Func<T> compute)
    {
        try
        {
            return compute();
        }
        catch (ArgumentException e)
        {
            // The engine's message is written for the caller; the " (Parameter 'slice')" .NET appends names our code.
            throw Invalid(e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message);
        }
    }

    private static RpcException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
