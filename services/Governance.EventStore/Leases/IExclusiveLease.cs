namespace Governance.EventStore;

/// <summary>
/// A named lease at most one process holds at a time, among every replica sharing a store: the relay and the deadline
/// scheduler run only while their process holds theirs, so each runs once across replicas, and another replica takes
/// over when the holder dies.
/// </summary>
public interface IExclusiveLease
{
    /// <summary>What the lease is kept in, for logs and health.</summary>
    string Description { get; }

    /// <summary>Waits until this process holds the lease <paramref name="name"/>; the handle says when it is lost.</summary>
    Task<LeaseHandle> AcquireAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// A held lease. <see cref="Lost"/> is cancelled when the process can no longer be sure it holds it (its session with
/// the store broke): work guarded by the lease must stop then, because another replica may already have taken it.
/// Disposing releases it.
/// </summary>
public sealed class LeaseHandle : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost;
    private readonly Func<ValueTask> _release;
    private int _released;

    internal LeaseHandle(string name, CancellationTokenSource lost, Func<ValueTask> release)
    {
        Name = name;
        _lost = lost;
        _release = release;
    }

    public string Name { get; }

    public CancellationToken Lost => _lost.Token;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await _release().ConfigureAwait(false);
            _lost.Dispose();
        }
    }
}

/// <summary>
/// The lease of a store only one process opens (the embedded SQLite store): there is nobody to share with, so a lease
/// is one process-wide semaphore per name, and it is never lost.
/// </summary>
public sealed class InProcessLease : IExclusiveLease
{
    private readonly Dictionary<string, SemaphoreSlim> _held = new(StringComparer.Ordinal);

    public string Description => "this process (embedded store)";

    public async Task<LeaseHandle> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        SemaphoreSlim gate;
        lock (_held)
        {
            if (!_held.TryGetValue(name, out gate!))
            {
                gate = new SemaphoreSlim(1, 1);
                _held[name] = gate;
            }
        }
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new LeaseHandle(name, new CancellationTokenSource(), () =>
        {
            gate.Release();
            return ValueTask.CompletedTask;
        });
    }
}

public static class ExclusiveLeaseExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> whenever this process holds the lease, until <paramref name="stopping"/>: waits for
    /// the lease, runs the work with a token cancelled when the lease is lost (or the host stops), releases it, and
    /// waits again. <paramref name="onHeld"/> runs on taking it, <paramref name="onReleased"/> on giving it up, told
    /// whether it was lost rather than released.
    /// </summary>
    public static async Task RunWhileHeldAsync(
        this IExclusiveLease lease, string name, Func<CancellationToken, Task> work, Action onHeld, Action<bool> onReleased, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(work);
        while (!stopping.IsCancellationRequested)
        {
            LeaseHandle held;
            try
            {
                held = await lease.AcquireAsync(name, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            await using (held.ConfigureAwait(false))
            {
                onHeld();
                using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping, held.Lost);
                try
                {
                    await work(running.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && running.IsCancellationRequested)
                {
                    // Stopping, or the lease is gone: either way the work must end here.
                }
                finally
                {
                    onReleased(held.Lost.IsCancellationRequested && !stopping.IsCancellationRequested);
                }
            }
        }
    }
}
