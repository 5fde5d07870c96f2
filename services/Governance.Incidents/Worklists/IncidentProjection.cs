using System.Collections.Immutable;
using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Governance.Incidents.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Incidents.Worklists;

/// <summary>
/// Every incident, folded from the incident category of the global log: read from position 0 on start, then
/// followed as it grows. It keeps nothing of its own, so a restart (or a new replica) rebuilds it from the log.
/// One loop writes; readers take <see cref="Current"/>, an immutable snapshot. Watchers subscribe to the changes
/// after the state they were handed, under the same lock that publishes, so none falls between the two.
/// </summary>
public sealed class IncidentProjection(IEventStore store, ILogger<IncidentProjection> logger) : BackgroundService
{
    public static readonly string Category = StreamName.Category(StreamNames.Incident("x"));

    private const int PageSize = 4096;

    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ProjectionState _state = ProjectionState.Empty;
    private ImmutableArray<IProjectionSubscriber> _subscribers = [];
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProjectionState Current => _state;

    /// <summary>The global log position the projection has reached.</summary>
    public long Position => _state.Position;

    /// <summary>How many watchers are subscribed: lets a test know a client's stream is open, or closed.</summary>
    internal int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Length;
            }
        }
    }

    /// <summary>Completes once the log as it stood at start has been read.</summary>
    public Task CaughtUp => _caughtUp.Task;

    public static string IncidentIdOf(string streamId) =>
        streamId.StartsWith(StreamNames.IncidentPrefix, StringComparison.Ordinal)
            ? streamId[StreamNames.IncidentPrefix.Length..]
            : throw new InvalidDataException($"Stream {streamId} is not an incident stream.");

    /// <summary>Completes once the projection has reached <paramref name="position"/>.</summary>
    public async Task WaitForPositionAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task advanced;
            lock (_gate)
            {
                if (_state.Position >= position)
                {
                    return;
                }
                advanced = _advanced.Task;
            }
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The state once the projection has caught up with the log head as it is now, so a caller reads its own writes
    /// (and another replica's); after <paramref name="limit"/> the state as far as it got.
    /// </summary>
    public async Task<ProjectionState> CurrentAtHeadAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        await CaughtUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        var head = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        return await CurrentAtLeastAsync(head, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The state once the projection has folded <paramref name="position"/>, without asking the store: the report hot
    /// path waits only for this process's own writes; after <paramref name="limit"/> the state as far as it got.
    /// </summary>
    public async Task<ProjectionState> CurrentAtLeastAsync(long position, TimeSpan limit, CancellationToken cancellationToken)
    {
        await CaughtUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WaitForPositionAsync(position, cancellationToken).WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Incident projection at {Position} is still short of {Wanted} after {Limit}", _state.Position, position, limit);
        }
        return _state;
    }

    /// <summary>
    /// Offers <paramref name="subscriber"/> every change after the returned state, in log order, until it is
    /// removed or declines one.
    /// </summary>
    internal ProjectionState Subscribe(IProjectionSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Add(subscriber);
            return _state;
        }
    }

    internal void Unsubscribe(IProjectionSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Remove(subscriber);
        }
    }

    /// <summary>Reads and folds whatever the log holds beyond the current position.</summary>
    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        // Positions are assigned in commit order: once the head is H, a read after the current position returns every
        // incident event up to H, so the projection may claim H even when the last events were of other kinds.
        var head = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var page = await store.ReadCategoryAsync(Category, _state.Position, PageSize, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }
            var state = _state;
            var changes = new List<IncidentChange>(page.Count);
            foreach (var recorded in page)
            {
                var @event = (IIncidentEvent)EventSerializer.Deserialize(recorded.Type, recorded.Data.Span);
                state = state.Apply(recorded.Position, IncidentIdOf(recorded.StreamId), @event, out var change);
                changes.Add(change);
            }
            Publish(state, changes);
            if (page.Count < PageSize)
            {
                break;
            }
        }
        Publish(_state.At(head), []);
    }

    private void Publish(ProjectionState state, List<IncidentChange> changes)
    {
        lock (_gate)
        {
            _state = state;
            foreach (var change in changes)
            {
                foreach (var subscriber in _subscribers)
                {
                    if (!subscriber.Offer(change))
                    {
                        _subscribers = _subscribers.Remove(subscriber);
                    }
                }
            }
            var advanced = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            advanced.TrySetResult();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await CatchUpAsync(stoppingToken).ConfigureAwait(false);
            logger.LogInformation("Incident projection at position {Position}: {Incidents} incidents", _state.Position, _state.Incidents.Count);
            _caughtUp.TrySetResult();
            while (!stoppingToken.IsCancellationRequested)
            {
                await store.WaitForEventsAfterAsync(_state.Position, stoppingToken).ConfigureAwait(false);
                await CatchUpAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // An event this version cannot fold (written by a newer one, or corrupt) would leave every worklist silently
            // stale; failing loudly stops the host so the orchestrator shows it, and watchers end with the reason.
            logger.LogCritical(e, "Incident projection stopped at position {Position}", _state.Position);
            _caughtUp.TrySetException(e);
            lock (_gate)
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Fail(e);
                }
                _subscribers = [];
            }
            throw;
        }
    }
}

/// <summary>Receives the projection's changes on its loop: must be quick and never block.</summary>
internal interface IProjectionSubscriber
{
    /// <summary>False when the subscriber gives up (its buffer is full); it is then removed.</summary>
    bool Offer(IncidentChange change);

    void Fail(Exception exception);
}
