using System.Threading.Channels;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Storage;
using Microsoft.Extensions.Options;

namespace Governance.Incidents.Worklists;

/// <summary>
/// One watcher's worklist stream: the current worklist or a replay of what changed after a position, then live
/// changes. Replay reads the log itself (the incident category after the position, each touched stream folded to
/// just before its first event there) rather than a ring of recent changes kept in memory: a client may resume
/// after any absence, against a restarted host or another replica, and the answer must not depend on how much this
/// process happens to remember. The cost is one category scan and one stream read per touched incident, paid only
/// by the resuming client.
/// </summary>
public sealed class WorklistWatch(IncidentProjection projection, IEventStore store, IOptions<IncidentsOptions> options)
{
    private const int ReplayPageSize = 1024;

    /// <summary>
    /// Sends the watcher's changes through <paramref name="send"/> until cancelled. Positions only increase, except
    /// that the initial snapshot (when <paramref name="afterPosition"/> is 0) carries the projection's position on
    /// every message: it reflects everything up to there, so resuming after it misses nothing. A stream broken during
    /// the snapshot is restarted from 0.
    /// </summary>
    public async Task RunAsync(
        WorklistViewer viewer, string? regionCode, long afterPosition, Func<WorklistChange, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        if (afterPosition < 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"after_position {afterPosition} is negative; pass 0 or a position this stream sent.");
        }
        await projection.CaughtUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        var head = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        if (afterPosition > head)
        {
            throw new RpcException(StatusCode.InvalidArgument,
                $"after_position {afterPosition} is beyond the end of the log ({head}); pass a position this stream sent, or 0 to start afresh.");
        }

        var subscription = new Subscription(viewer, regionCode, options.Value.WatchBufferCapacity);
        var state = projection.Subscribe(subscription);
        try
        {
            var last = afterPosition;
            if (afterPosition == 0)
            {
                foreach (var key in state.ByReport)
                {
                    var incident = state.Incidents[key.Id].Incident;
                    if (WorklistRules.InWatchedWorklist(viewer, regionCode, incident))
                    {
                        await send(new WorklistChange(state.Position, incident, true, WorklistChange.SnapshotEventType), cancellationToken).ConfigureAwait(false);
                    }
                }
                last = state.Position;
            }
            else if (afterPosition < state.Position)
            {
                await ReplayAsync(viewer, regionCode, afterPosition, state.Position, send, cancellationToken).ConfigureAwait(false);
                last = state.Position;
            }

            try
            {
                await foreach (var change in subscription.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    // A resume ahead of this projection (another replica wrote and was read first) skips what it already has.
                    if (change.Position <= last)
                    {
                        continue;
                    }
                    await send(change, cancellationToken).ConfigureAwait(false);
                    last = change.Position;
                }
            }
            catch (WatcherOverflowException)
            {
                throw new RpcException(StatusCode.ResourceExhausted,
                    $"This client fell more than {options.Value.WatchBufferCapacity} changes behind; reconnect with after_position = {last} to resume without a gap.");
            }
        }
        finally
        {
            projection.Unsubscribe(subscription);
        }
    }

    private async Task ReplayAsync(
        WorklistViewer viewer, string? regionCode, long after, long upTo, Func<WorklistChange, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var folded = new Dictionary<string, Incident>(StringComparer.Ordinal);
        var from = after;
        while (from < upTo)
        {
            var page = await store.ReadCategoryAsync(IncidentProjection.Category, from, ReplayPageSize, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return;
            }
            foreach (var recorded in page)
            {
                if (recorded.Position > upTo)
                {
                    return;
                }
                var before = folded.TryGetValue(recorded.StreamId, out var known)
                    ? known
                    : await FoldBeforeAsync(recorded.StreamId, recorded.Version, cancellationToken).ConfigureAwait(false);
                var @event = (IIncidentEvent)EventSerializer.Deserialize(recorded.Type, recorded.Data.Span);
                var afterEvent = IncidentDecider.Apply(before, @event);
                folded[recorded.StreamId] = afterEvent;
                if (WorklistRules.Change(viewer, regionCode, new IncidentChange(recorded.Position, recorded.Type, before, afterEvent)) is { } change)
                {
                    await send(change, cancellationToken).ConfigureAwait(false);
                }
            }
            from = page[^1].Position;
        }
    }

    /// <summary>The incident as it was before its event of <paramref name="version"/>; null before the report.</summary>
    private async Task<Incident?> FoldBeforeAsync(string streamId, long version, CancellationToken cancellationToken)
    {
        if (version <= 1)
        {
            return null;
        }
        var recorded = await store.ReadStreamAsync(streamId, 1, (int)(version - 1), cancellationToken).ConfigureAwait(false);
        return IncidentDecider.Fold(recorded.Select(r => (IIncidentEvent)EventSerializer.Deserialize(r.Type, r.Data.Span)));
    }

    /// <summary>
    /// The bounded buffer between the projection's loop and one client. The loop never waits for a client: when the
    /// buffer is full the stream ends and the client resumes from the last position it received.
    /// </summary>
    private sealed class Subscription(WorklistViewer viewer, string? regionCode, int capacity) : IProjectionSubscriber
    {
        private readonly Channel<WorklistChange> _channel = Channel.CreateBounded<WorklistChange>(
            new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        public ChannelReader<WorklistChange> Reader => _channel.Reader;

        public bool Offer(IncidentChange change)
        {
            if (WorklistRules.Change(viewer, regionCode, change) is not { } worklistChange)
            {
                return true;
            }
            if (_channel.Writer.TryWrite(worklistChange))
            {
                return true;
            }
            _channel.Writer.TryComplete(new WatcherOverflowException());
            return false;
        }

        public void Fail(Exception exception) =>
            _channel.Writer.TryComplete(new RpcException(StatusCode.Unavailable, "The incident projection stopped; reconnect later with the last position received."));
    }

    private sealed class WatcherOverflowException : Exception;
}
