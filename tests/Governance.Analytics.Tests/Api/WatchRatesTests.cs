using Messages = System.Threading.Channels.Channel;
using Governance.Analytics.Api;
using Governance.Analytics.Projection;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Security;
using Xunit;

namespace Governance.Analytics.Tests.Api;

/// <summary>
/// WatchRates follows every new snapshot, even one that leaves the position where it was, and watchers of one slice
/// woken within a second share one computation.
/// </summary>
public sealed class WatchRatesTests
{
    private static readonly Caller Leader = new("leader-1", ActorRole.Leader, ["330290"], null, null);
    private static readonly Place Grid = new("330290", "330290001", "330290001001", "330290001001001");
    private static readonly IncidentCategory Garbage = new("garbage", "暴露垃圾", Platform.LawEnforcement);
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GivenTwoWatchersOfOneSlice_WhenASnapshotChangesWithoutMovingThePosition_ThenBothGetItFromOneComputation()
    {
        var view = new SettableView(new AnalyticsSnapshot(10, [IncidentBuilder.Report("a", Grid, Garbage, T0).Facts]));
        var queries = new AnalyticsQueries(view, new StoppedClock(T0.AddHours(1).AddMilliseconds(400)));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = Messages.CreateUnbounded<WatchRatesResponse>();
        var second = Messages.CreateUnbounded<WatchRatesResponse>();
        var watchers = new[] { first, second }.Select(channel => queries.WatchRatesAsync(Leader, new WatchRatesRequest(), reason => new RpcException(StatusCode.PermissionDenied, reason),
            (message, ct) => channel.Writer.WriteAsync(message, ct).AsTask(), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), stop.Token)).ToList();

        var before = (await first.Reader.ReadAsync(stop.Token), await second.Reader.ReadAsync(stop.Token));
        Assert.Equal((1L, 1L), (before.Item1.Rates.Reported, before.Item2.Rates.Reported));
        Assert.Equal(T0.AddHours(1).AddMilliseconds(400), before.Item1.AsOf.ToDateTimeOffset());
        Assert.Equal(before.Item1, before.Item2);
        Assert.Equal(1, queries.WatchSheetsComputed);

        // Another incident's event, delivered late and committed on its own: the incidents change, the position does not.
        view.Publish(new AnalyticsSnapshot(10, [IncidentBuilder.Report("a", Grid, Garbage, T0).Facts, IncidentBuilder.Report("b", Grid, Garbage, T0).Facts]));
        var after = (await first.Reader.ReadAsync(stop.Token), await second.Reader.ReadAsync(stop.Token));

        Assert.Equal((2L, 2L), (after.Item1.Rates.Reported, after.Item2.Rates.Reported));
        Assert.Equal(10, after.Item1.Position);
        Assert.Equal(2, queries.WatchSheetsComputed);
        await stop.CancelAsync();
        foreach (var watcher in watchers)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher);
        }
    }

    /// <summary>A view whose snapshot the test replaces.</summary>
    private sealed class SettableView(AnalyticsSnapshot initial) : IAnalyticsView
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public AnalyticsSnapshot Current { get; private set; } = initial;

        public void Publish(AnalyticsSnapshot snapshot)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                Current = snapshot;
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            changed.TrySetResult();
        }

        public Task WaitForPositionAfterAsync(long position, CancellationToken cancellationToken) =>
            throw new NotSupportedException("WatchRates waits for a new snapshot, not for a later position.");

        public async Task WaitForChangeAsync(AnalyticsSnapshot seen, CancellationToken cancellationToken)
        {
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (!ReferenceEquals(Current, seen))
                    {
                        return;
                    }
                    changed = _changed.Task;
                }
                await changed.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>Now stands still; delays still run in real time.</summary>
    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
