using Governance.Domain;
using Governance.EventStore;
using Governance.Incidents.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Incidents.Registry;

/// <summary>
/// Keeps the current <see cref="RegistryView"/>: loads every registry stream on start and then follows the store,
/// so a layer imported by the CLI (or written by another replica) is routed against within about a second,
/// without a restart.
/// </summary>
public sealed class RegistryCache(IEventStore store, ILogger<RegistryCache> logger) : BackgroundService
{
    /// <summary>The store categories that make up the registry (see <see cref="StreamNames"/>).</summary>
    public static readonly string[] Categories =
    [
        StreamName.Category(StreamNames.Region("x")),
        StreamName.Category(StreamNames.Grid("x")),
        StreamName.Category(StreamNames.Department("x")),
        StreamName.Category(StreamNames.Category("x")),
        StreamName.Category(StreamNames.Matrix("x")),
    ];

    // Following the log wakes on every append; re-reading the registry at most this often keeps a busy
    // reporting load from turning into a stream of registry queries.
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private volatile RegistryView _current = RegistryView.Empty;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RegistryView Current => _current;

    /// <summary>Completes once the registry has been loaded for the first time.</summary>
    public Task Loaded => _loaded.Task;

    /// <summary>Reads registry events written since the current view and rebuilds it if there are any.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var view = _current;
            var fresh = new List<(long Position, IDomainEvent Event)>();
            foreach (var category in Categories)
            {
                var after = view.Position;
                while (true)
                {
                    var page = await store.ReadCategoryAsync(category, after, 4096, cancellationToken).ConfigureAwait(false);
                    foreach (var recorded in page)
                    {
                        fresh.Add((recorded.Position, EventSerializer.Deserialize(recorded.Type, recorded.Data.Span)));
                    }
                    if (page.Count < 4096)
                    {
                        break;
                    }
                    after = page[^1].Position;
                }
            }
            if (fresh.Count > 0)
            {
                var snapshot = view.Snapshot.With(RegistryView.Sorted(fresh));
                var next = RegistryView.Build(snapshot, fresh.Max(f => f.Position), view);
                _current = next;
                foreach (var problem in snapshot.Problems)
                {
                    logger.LogWarning("Registry: {Problem}", problem);
                }
                logger.LogInformation("Registry at position {Position}: {Grids} grids, {Departments} departments, {Categories} categories, {Rules} rules",
                    next.Position, next.GridCodes.Count, snapshot.Departments.Count, snapshot.Categories.Count, snapshot.Rules.Count);
            }
            _loaded.TrySetResult();
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var head = await store.GetHeadPositionAsync(stoppingToken).ConfigureAwait(false);
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await store.WaitForEventsAfterAsync(head, stoppingToken).ConfigureAwait(false);
                await Task.Delay(RefreshInterval, stoppingToken).ConfigureAwait(false);
                head = await store.GetHeadPositionAsync(stoppingToken).ConfigureAwait(false);
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
