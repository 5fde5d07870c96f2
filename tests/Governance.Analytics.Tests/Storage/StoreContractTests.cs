using Google.Protobuf;
using Governance.Analytics.Projection;
using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Governance.EventStore.Conformance;
using Governance.PubSub;
using Xunit;

namespace Governance.Analytics.Tests.Storage;

/// <summary>
/// What every analytics store does for the projection: restarts, failures, schema versions, versions refused. Each
/// store derives this class once (<see cref="SqliteStoreTests"/>, <see cref="PostgresStoreTests"/>), supplying fresh
/// storage per test.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    protected static readonly IReadOnlyList<IncidentLifeEvent> Events = LifeEvents.Of(ScriptedCounty.Build());

    /// <summary>A new store instance over this test's storage (the same storage each time), not opened.</summary>
    protected abstract IAnalyticsStore NewStore();

    /// <summary>Everything the storage holds, read without disturbing a store that has it open.</summary>
    protected abstract Task<StoredAnalytics> ReadStoredAsync();

    /// <summary>Makes the storage fail, inside the transaction, any insert of a row for <paramref name="incidentId"/>.</summary>
    protected abstract Task PoisonAsync(string incidentId);

    protected abstract Task CureAsync();

    /// <summary>Stamps the storage with another schema version.</summary>
    protected abstract Task StampSchemaVersionAsync(int version);

    /// <summary>What the refusal of a newer schema must tell the operator to do.</summary>
    protected abstract string WayOutOfANewerSchema { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private async Task<IncidentFactsProjection> StartProjectionAsync()
    {
        var projection = Projections.Create(NewStore());
        await projection.StartAsync(CancellationToken.None);
        return projection;
    }

    [ConformanceFact]
    public async Task ARestart_LoadsExactlyWhatWasCommitted()
    {
        var first = await StartProjectionAsync();
        await first.ApplyBatchAsync([.. Events.Take(1000)], CancellationToken.None);
        await Task.WhenAll(Events.Skip(1000).Select(e => first.HandleAsync(LifeEvents.Cloud(e), CancellationToken.None)));
        var committed = first.Current;
        await first.StopAsync(CancellationToken.None);

        await using var second = await StartProjectionAsync();

        Assert.Empty(AnalyticsComparison.Differences(committed, second.Current));
        Assert.Equal(Events.Count, second.Current.Position);
        var stored = await ReadStoredAsync();
        Assert.Equal(ScriptedCounty.Total, stored.Incidents.Count);
        // Each incident's row is the event of its highest version.
        var newest = Events.GroupBy(e => e.IncidentId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.IncidentVersion)!);
        Assert.All(stored.Incidents, row =>
        {
            Assert.Equal(newest[row.IncidentId].IncidentVersion, row.Version);
            Assert.Equal(newest[row.IncidentId].Position, row.Position);
        });
    }

    [ConformanceFact]
    public async Task AFailingCommit_AnswersRetryForItsWholeGroup_AndAppliesNothingOfIt()
    {
        var before = Events.Take(100).ToList();
        var setup = await StartProjectionAsync();
        await setup.ApplyBatchAsync(before, CancellationToken.None);
        await setup.StopAsync(CancellationToken.None);
        // A real failure in the middle of the transaction: rows of other incidents are written before it.
        var poisoned = Events.Skip(100).First(e => e.IncidentVersion == 1);
        await PoisonAsync(poisoned.IncidentId);
        var stored = await ReadStoredAsync();

        await using var projection = Projections.Create(NewStore());
        // Queued before the writer starts, so one commit takes them all.
        var group = Events.Skip(100).Take(400).ToList();
        Assert.Contains(poisoned, group);
        var deliveries = group.Select(e => projection.HandleAsync(LifeEvents.Cloud(e), CancellationToken.None)).ToList();
        await projection.StartAsync(CancellationToken.None);
        var loaded = projection.Current;
        var outcomes = await Task.WhenAll(deliveries);

        Assert.All(outcomes, o => Assert.Equal(DeliveryOutcome.Retry, o));
        Assert.Same(loaded, projection.Current);
        Assert.Empty(AnalyticsComparison.Differences(stored, await ReadStoredAsync()));

        // Once the fault is gone, the broker's redelivery succeeds.
        await CureAsync();
        var redelivered = await Task.WhenAll(group.Select(e => projection.HandleAsync(LifeEvents.Cloud(e), CancellationToken.None)));
        Assert.All(redelivered, o => Assert.Equal(DeliveryOutcome.Success, o));
        Assert.Equal(group.Max(e => e.Position), projection.Current.Position);
    }

    [ConformanceFact]
    public async Task AStoreOfANewerSchemaVersion_IsRefusedWithTheWayOut()
    {
        await (await StartProjectionAsync()).StopAsync(CancellationToken.None);
        await StampSchemaVersionAsync(99);

        var store = NewStore();
        await using (store)
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenAsync(CancellationToken.None));
            Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
            Assert.Contains(WayOutOfANewerSchema, e.Message, StringComparison.Ordinal);
        }
    }

    [ConformanceFact]
    public async Task AVersionNoHigherThanStored_IsRefusedAndSaidSo_WhileThePositionOnlyMovesForward()
    {
        var steps = Events.Where(e => e.IncidentId == "J-000").ToList();
        var other = Events.First(e => e.IncidentId == "A1-000");
        await using var store = NewStore();
        var opened = await store.OpenAsync(CancellationToken.None);

        var first = await store.CommitAsync([Row(steps[3])], 40, CancellationToken.None);
        var second = await store.CommitAsync([Row(steps[1]), Row(other)], 30, CancellationToken.None);
        var third = await store.CommitAsync([Row(steps[3])], 35, CancellationToken.None);

        Assert.Equal([opened.Sequence + 1, opened.Sequence + 2, opened.Sequence + 3], [first.Sequence, second.Sequence, third.Sequence]);
        Assert.Empty(first.Refused);
        Assert.Equal(["J-000"], second.Refused);
        Assert.Equal(["J-000"], third.Refused);
        var stored = await ReadStoredAsync();
        Assert.Equal(40, stored.Position);
        Assert.Equal(steps[3].IncidentVersion, stored.Incidents.Single(i => i.IncidentId == "J-000").Version);
        Assert.Equal(other.IncidentVersion, stored.Incidents.Single(i => i.IncidentId == "A1-000").Version);
    }

    [ConformanceFact]
    public async Task AfterItsOwnLastCommit_AStoreHasNoChangesToRead()
    {
        await using var store = NewStore();
        await store.OpenAsync(CancellationToken.None);
        var commit = await store.CommitAsync([.. Events.Take(50).Select(Row)], 50, CancellationToken.None);

        var changes = await store.ReadChangesAsync(commit.Sequence, 100, CancellationToken.None);

        Assert.Equal((commit.Sequence, 50L, false), (changes.Sequence, changes.Position, changes.More));
        Assert.Empty(changes.Incidents);
    }

    protected static StoredIncident Row(IncidentLifeEvent e) =>
        new(e.IncidentId, e.IncidentVersion, e.Position, e.Incident.ToByteArray());
}
