using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Microsoft.Extensions.Options;

namespace Governance.Incidents.Storage;

/// <summary>
/// The one way into incident streams. Commands to one incident run one at a time in this process (a striped lock)
/// and decide on cached state; the append expects the version the state was folded to, so a write from anywhere
/// else (another replica, the CLI) surfaces as a conflict and is decided again on fresh state, never lost. On a store
/// shared by replicas, a read also asks the store for events after the cached version, so a replica never answers
/// an incident older than what another replica has already written and answered.
/// </summary>
public sealed class IncidentStore(DomainStreams streams, IOptions<IncidentsOptions> options)
{
    private const int MaxConflictRetries = 5;

    private readonly KeyedLock _locks = new();
    private readonly LruCache<string, Incident> _cache = new(options.Value.IncidentCacheCapacity);

    // With the embedded store this process is the only writer, and its cache is the truth; one indexed query per read
    // is the price of read-your-writes across replicas.
    private readonly bool _sharedStore = options.Value.Store.ResolvedProvider != StoreProvider.Sqlite;

    internal KeyedLock Locks => _locks;

    internal void Remember(Incident incident) => _cache.Set(incident.Id, incident);

    /// <summary>The incident, from the cache or its stream; null when it does not exist. Call under the incident's lock.</summary>
    internal bool TryGetCached(string incidentId, [NotNullWhen(true)] out Incident? incident)
    {
        incident = _cache.TryGet(incidentId, out var cached) ? cached : null;
        return incident is not null;
    }

    /// <summary>
    /// The incident from the cache or its stream (<paramref name="fresh"/>: the stream). With <paramref name="catchUp"/>,
    /// on a shared store, what other replicas appended after the cached version is read too. Commands need not: their
    /// append expects the cached version, so a newer one surfaces as a conflict anyway.
    /// </summary>
    internal async Task<Incident?> LoadUnlockedAsync(string incidentId, bool fresh, CancellationToken cancellationToken, bool catchUp = false)
    {
        if (!fresh && _cache.TryGet(incidentId, out var cached))
        {
            return catchUp && _sharedStore ? await CatchUpUnlockedAsync(cached, cancellationToken).ConfigureAwait(false) : cached;
        }
        var (events, _) = await streams.ReadAsync(StreamNames.Incident(incidentId), cancellationToken).ConfigureAwait(false);
        if (events.Count == 0)
        {
            _cache.Remove(incidentId);
            return null;
        }
        var incident = IncidentDecider.Fold(events.Cast<IIncidentEvent>())!;
        _cache.Set(incidentId, incident);
        return incident;
    }

    private async Task<Incident> CatchUpUnlockedAsync(Incident cached, CancellationToken cancellationToken)
    {
        var (newer, _) = await streams.ReadAsync(StreamNames.Incident(cached.Id), cached.Version + 1, cancellationToken).ConfigureAwait(false);
        if (newer.Count == 0)
        {
            return cached;
        }
        var incident = newer.Cast<IIncidentEvent>().Aggregate(cached, IncidentDecider.Apply);
        _cache.Set(incident.Id, incident);
        return incident;
    }

    /// <summary>The incident as stored now (on a shared store, including what other replicas wrote); null when it does not exist.</summary>
    public async Task<Incident?> GetAsync(string incidentId, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync(incidentId, cancellationToken).ConfigureAwait(false))
        {
            return await LoadUnlockedAsync(incidentId, fresh: false, cancellationToken, catchUp: true).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The incident at <paramref name="atLeastVersion"/> or later: a follower of the log that saw an event written by
    /// another process must not be answered from a cached state older than that event.
    /// </summary>
    public async Task<Incident?> GetAsync(string incidentId, long atLeastVersion, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync(incidentId, cancellationToken).ConfigureAwait(false))
        {
            var incident = await LoadUnlockedAsync(incidentId, fresh: false, cancellationToken).ConfigureAwait(false);
            return incident is null || incident.Version < atLeastVersion
                ? await LoadUnlockedAsync(incidentId, fresh: true, cancellationToken).ConfigureAwait(false)
                : incident;
        }
    }

    /// <summary>
    /// Decides a command on the incident's current state and appends what it decided.
    /// With <paramref name="expectedVersion"/>, the caller's view must be current: a stale one fails with ABORTED
    /// (the current version in the message and the "current-version" trailer) unless the command, decided on the
    /// current state, changes nothing, as a retried command whose first answer was lost does.
    /// Without it (the scheduler, the second half of a merge), a conflict is decided again on fresh state.
    /// <paramref name="authorize"/> runs on the state the decision is made on, so a scope check cannot be raced.
    /// </summary>
    public async Task<(Incident Incident, bool Changed)> ExecuteAsync(
        string incidentId,
        long? expectedVersion,
        Func<Incident, IReadOnlyList<IIncidentEvent>> decide,
        Action<Incident>? authorize,
        EventMetadata metadata,
        CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync(incidentId, cancellationToken).ConfigureAwait(false))
        {
            var fresh = false;
            for (var attempt = 0; ; attempt++)
            {
                var state = await LoadUnlockedAsync(incidentId, fresh, cancellationToken).ConfigureAwait(false)
                    ?? throw new RpcException(StatusCode.NotFound, $"Incident {incidentId} does not exist.");
                // The cache may lag a write made elsewhere: a caller who saw a newer version than the cache forces a reload.
                if (expectedVersion is { } seen && seen > state.Version && !fresh)
                {
                    fresh = true;
                    continue;
                }
                authorize?.Invoke(state);
                if (expectedVersion is { } expected && expected != state.Version)
                {
                    IReadOnlyList<IIncidentEvent> repeat;
                    try
                    {
                        repeat = decide(state);
                    }
                    catch (DomainException)
                    {
                        throw Stale(incidentId, expected, state.Version);
                    }
                    return repeat.Count == 0 ? (state, false) : throw Stale(incidentId, expected, state.Version);
                }
                var events = decide(state);
                if (events.Count == 0)
                {
                    return (state, false);
                }
                try
                {
                    await streams.AppendAsync(StreamNames.Incident(incidentId), state.Version, events, metadata, cancellationToken).ConfigureAwait(false);
                }
                catch (WrongExpectedVersionException w)
                {
                    _cache.Remove(incidentId);
                    IncidentsTelemetry.Conflicts.Add(1);
                    if (expectedVersion is { } expectedNow)
                    {
                        throw Stale(incidentId, expectedNow, w.ActualVersion);
                    }
                    if (attempt >= MaxConflictRetries)
                    {
                        throw;
                    }
                    fresh = true;
                    continue;
                }
                var next = events.Aggregate(state, IncidentDecider.Apply);
                _cache.Set(incidentId, next);
                return (next, true);
            }
        }
    }

    private static RpcException Stale(string incidentId, long expected, long current) =>
        new(StatusCode.Aborted,
            $"Incident {incidentId} is at version {current}, not {expected}: it changed since you read it. Read it again, check the change, and retry with expected_version {current}.")
        {
            Trailers = { ["current-version"] = current.ToString(CultureInfo.InvariantCulture) },
        };

    internal static EventMetadata Metadata(string? client, string? peer) => new(client, peer, Activity.Current?.Id);
}
