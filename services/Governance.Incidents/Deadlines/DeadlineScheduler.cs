using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.Incidents.Deadlines;

/// <summary>
/// Raises 预警 (80 % of a limit) and 超期 (the deadline) as <see cref="DeadlineAlarmRaised"/> events. It follows the
/// incident log into the due-time index (<see cref="IDeadlineIndex"/>), fires the rows that fell due through
/// <see cref="IncidentStore"/>, and sleeps until the earliest due time, a new event, or <see cref="DeadlineOptions.MaxSleep"/>.
/// Every time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class DeadlineScheduler(
    IEventStore store,
    IncidentStore incidents,
    IDeadlineIndex index,
    IExclusiveLease lease,
    WorkingCalendar calendar,
    TimeProvider time,
    IOptions<IncidentsOptions> options,
    ILogger<DeadlineScheduler> logger) : BackgroundService
{
    public const string ClientName = "scheduler";

    /// <summary>The lease only one replica's scheduler holds at a time: alarms are raised once across replicas.</summary>
    public const string LeaseName = "deadlines";

    private static readonly string IncidentCategory = StreamName.Category(StreamNames.Incident("x"));

    private readonly DeadlineOptions _options = options.Value.Deadlines;
    private readonly SemaphoreSlim _step = new(1, 1);
    private readonly Dictionary<(string, string, DeadlineKind, AlarmLevel), DateTimeOffset> _retryAfter = [];
    private bool _opened;

    /// <summary>
    /// Brings the index up to the head of the log: for each batch of incident events, the touched incidents' rows are
    /// replaced by <see cref="IncidentDeadlines.PendingAlarms"/> of their current state, and the checkpoint moves in the
    /// same transaction. Returns the number of events read.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _step.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenUnlockedAsync(cancellationToken).ConfigureAwait(false);
            var read = 0;
            var checkpoint = await index.GetCheckpointAsync(cancellationToken).ConfigureAwait(false);
            var deferred = await index.GetDeferredAsync(cancellationToken).ConfigureAwait(false);
            if (deferred.Count > 0)
            {
                var (replaced, failed) = await RecomputeAsync(deferred.Select(id => (id, 0L)), cancellationToken).ConfigureAwait(false);
                await index.ApplyAsync(replaced, failed, checkpoint, cancellationToken).ConfigureAwait(false);
            }
            while (true)
            {
                var page = await store.ReadCategoryAsync(IncidentCategory, checkpoint, _options.BatchSize, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    return read;
                }
                var touched = page.GroupBy(e => e.StreamId, StringComparer.Ordinal)
                    .Select(g => (g.Key[StreamNames.IncidentPrefix.Length..], g.Max(e => e.Version)));
                var (replaced, failed) = await RecomputeAsync(touched, cancellationToken).ConfigureAwait(false);
                checkpoint = page[^1].Position;
                await index.ApplyAsync(replaced, failed, checkpoint, cancellationToken).ConfigureAwait(false);
                read += page.Count;
                if (page.Count < _options.BatchSize)
                {
                    return read;
                }
            }
        }
        finally
        {
            _step.Release();
        }
    }

    /// <summary>
    /// One incident that cannot be loaded (an event this build cannot read, say) must not stall the index for all the
    /// others: it is marked deferred, durably, keeps its old rows, and is recomputed on every later pass.
    /// </summary>
    private async Task<(List<IncidentAlarms> Replaced, List<string> Failed)> RecomputeAsync(
        IEnumerable<(string IncidentId, long Version)> touched, CancellationToken cancellationToken)
    {
        var replaced = new List<IncidentAlarms>();
        var failed = new List<string>();
        foreach (var (incidentId, version) in touched)
        {
            try
            {
                var incident = await incidents.GetAsync(incidentId, version, cancellationToken).ConfigureAwait(false);
                replaced.Add(new IncidentAlarms(incidentId, IncidentDeadlines.PendingAlarms(incident)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Deadlines: incident {IncidentId} could not be loaded; its alarms are recomputed on the next pass", incidentId);
                failed.Add(incidentId);
            }
        }
        return (replaced, failed);
    }

    /// <summary>Fires every alarm due by now; returns how many were raised (a no-op decision raises none).</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        await _step.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenUnlockedAsync(cancellationToken).ConfigureAwait(false);
            var raised = 0;
            while (true)
            {
                var now = time.GetUtcNow();
                var due = await index.GetDueAsync(now, _options.BatchSize, cancellationToken).ConfigureAwait(false);
                var done = 0;
                foreach (var alarm in due)
                {
                    var key = (alarm.IncidentId, alarm.DepartmentCode, alarm.Kind, alarm.Level);
                    if (_retryAfter.TryGetValue(key, out var retryAt) && retryAt > now)
                    {
                        continue;
                    }
                    try
                    {
                        if (await FireAsync(alarm, cancellationToken).ConfigureAwait(false))
                        {
                            raised++;
                        }
                        _retryAfter.Remove(key);
                        done++;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogError(e, "Deadlines: the {Kind} {Level} alarm of {Department} on incident {IncidentId} failed; retrying in {Delay}",
                            alarm.Kind, alarm.Level, alarm.DepartmentCode, alarm.IncidentId, _options.RetryDelay);
                        _retryAfter[key] = time.GetUtcNow() + _options.RetryDelay;
                    }
                }
                // A full page that made progress may hide more due rows behind it; a page of rows waiting to be
                // retried would only be read again.
                if (due.Count < _options.BatchSize || done == 0)
                {
                    return raised;
                }
            }
        }
        finally
        {
            _step.Release();
        }
    }

    private async Task<bool> FireAsync(DueAlarm alarm, CancellationToken cancellationToken)
    {
        bool changed;
        try
        {
            var command = new RaiseDeadlineAlarm(alarm.IncidentId, alarm.DepartmentCode, alarm.Kind, alarm.Level, time.GetUtcNow());
            (_, changed) = await incidents.ExecuteAsync(alarm.IncidentId, expectedVersion: null,
                state => IncidentDecider.Decide(state, command, calendar), authorize: null,
                IncidentStore.Metadata(ClientName, null), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // Only an index built from another store could name an incident this store lacks; the row is wrong, not late.
            changed = false;
        }
        if (changed)
        {
            IncidentsTelemetry.DeadlineAlarms.Add(1, new("kind", alarm.Kind.ToString()), new("level", alarm.Level.ToString()));
            logger.LogInformation("Deadlines: {Kind} {Level} of {Department} on incident {IncidentId} (due {DueAt:O})",
                alarm.Kind, alarm.Level, alarm.DepartmentCode, alarm.IncidentId, alarm.DueAt);
        }
        // The row goes only after the append is durable. A crash in between leaves the row, which fires again after
        // the restart; the decision then finds the alarm raised for this due time and writes nothing. That, not this
        // delete, is why an alarm is never raised twice.
        await index.RemoveAsync(alarm, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    private async Task OpenUnlockedAsync(CancellationToken cancellationToken)
    {
        if (_opened)
        {
            return;
        }
        await index.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (index.RebuildReason is { } reason)
        {
            logger.LogWarning("Deadlines: the due-time index was rebuilt from the start of the log because {Reason}", reason);
        }
        var checkpoint = await index.GetCheckpointAsync(cancellationToken).ConfigureAwait(false);
        var head = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint > head)
        {
            // The event store was replaced (a deleted data folder, a restored backup) under a surviving index.
            logger.LogWarning("Deadlines: the due-time index is at position {Checkpoint} but the log ends at {Head}; rebuilding it from the start", checkpoint, head);
            await index.ResetAsync(cancellationToken).ConfigureAwait(false);
        }
        _opened = true;
    }

    /// <summary>When to look again: the next due time, a failed alarm's retry, or the longest sleep, whichever is first.</summary>
    private async Task<TimeSpan> NextWakeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wake = now + _options.MaxSleep;
        if (await index.GetNextDueAfterAsync(now, cancellationToken).ConfigureAwait(false) is { } next && next < wake)
        {
            wake = next;
        }
        await _step.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var retryAt in _retryAfter.Values)
            {
                wake = retryAt < wake ? retryAt : wake;
            }
        }
        finally
        {
            _step.Release();
        }
        var delay = wake - now;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            logger.LogInformation("Deadlines: the scheduler is turned off (Incidents:Deadlines:Enabled = false)");
            return;
        }
        // Start serving first; indexing a long log is background work.
        await Task.Yield();
        await lease.RunWhileHeldAsync(LeaseName, RunWhileHeldAsync,
            onHeld: () => logger.LogInformation("Deadlines: this replica holds the scheduler lease ({Lease}) and raises the alarms", lease.Description),
            onReleased: lost =>
            {
                if (lost)
                {
                    logger.LogWarning("Deadlines: lost the scheduler lease (its database session broke); standing by");
                }
            }, stoppingToken).ConfigureAwait(false);
    }

    private async Task RunWhileHeldAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            long checkpoint;
            try
            {
                await CatchUpAsync(stoppingToken).ConfigureAwait(false);
                await FireDueAsync(stoppingToken).ConfigureAwait(false);
                checkpoint = await index.GetCheckpointAsync(stoppingToken).ConfigureAwait(false);
                delay = await NextWakeAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The host must not die of a deadline: the store may be busy or the disk full for a while.
                logger.LogError(e, "Deadlines: a scheduler pass failed; trying again in {Delay}", _options.RetryDelay);
                delay = _options.RetryDelay;
                checkpoint = long.MaxValue;
            }
            if (!await SleepAsync(delay, checkpoint, stoppingToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>How long new events gather before the index catches up on them.</summary>
    internal static readonly TimeSpan CatchUpCoalescing = TimeSpan.FromMilliseconds(200);

    /// <summary>Sleeps until the delay passes or an event after the checkpoint is appended; false when stopping.</summary>
    private async Task<bool> SleepAsync(TimeSpan delay, long checkpoint, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = Task.Delay(delay, time, wake.Token);
        // After a failed pass only the timer wakes it: new events would otherwise retry at once, in a tight loop.
        var appended = checkpoint == long.MaxValue ? Task.Delay(Timeout.Infinite, wake.Token) : store.WaitForEventsAfterAsync(checkpoint, wake.Token);
        var woke = await Task.WhenAny(timer, appended).ConfigureAwait(false);
        if (woke == appended && appended.IsCompletedSuccessfully)
        {
            // Under load the log grows with every commit; catching up on each one costs a handful of index queries per
            // commit. Letting appends gather for a moment turns them into one pass, and no alarm is that close: the
            // earliest a dispatch can owe one is 80 % of its shortest limit, minutes away. Real time, not the
            // scheduler's clock: this is about the machine's load, not about when alarms are due.
            try
            {
                await Task.Delay(CatchUpCoalescing, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        await wake.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(timer, appended).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Waiting for the log failed; the next pass reads the log itself and reports what is wrong.
            logger.LogWarning(e, "Deadlines: waiting for new events failed");
        }
        catch (ObjectDisposedException)
        {
        }
        return !stoppingToken.IsCancellationRequested;
    }
}
