using Governance.Domain.Routing;
using Governance.EventStore;
using Governance.Incidents.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Cli.Store;

/// <summary>
/// The host's store, opened from the CLI. SQLite in WAL mode lets the CLI and a running host use one file at once;
/// the host follows the store and routes against what the CLI wrote within about a second.
/// </summary>
internal static class RegistryStore
{
    public const string FileName = "events.db";

    public static string PathIn(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), FileName);

    public static async Task<SqliteEventStore> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = PathIn(dataDirectory) });
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The registry as the host would load it, read the same way (<see cref="RegistryCache"/>).</summary>
    public static async Task<RegistrySnapshot> LoadSnapshotAsync(IEventStore store, CancellationToken cancellationToken)
    {
        using var cache = new RegistryCache(store, NullLogger<RegistryCache>.Instance);
        await cache.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return cache.Current.Snapshot;
    }
}
