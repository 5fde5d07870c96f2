using Google.Protobuf;
using Governance.Analytics.Rates;
using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Governance.PubSub;
using Xunit;

namespace Governance.Analytics.Tests.Projection;

/// <summary>
/// Deliveries through HandleAsync into a real SQLite store: duplicates and any order change nothing, so the snapshot
/// and every rate equal those of the incidents' final facts.
/// </summary>
public sealed class DeliveryTests
{
    private static readonly IReadOnlyList<IncidentBuilder> County = ScriptedCounty.Build();
    private static readonly IReadOnlyList<IncidentLifeEvent> Events = LifeEvents.Of(County);

    [Fact]
    public async Task EveryEventTwiceInShuffledOrder_GivesTheSnapshotAndRatesOfInOrderDelivery()
    {
        using var inOrderDirectory = new TempDirectory();
        using var shuffledDirectory = new TempDirectory();
        await using var inOrder = await Projections.StartAsync(inOrderDirectory.Path);
        await using var shuffled = await Projections.StartAsync(shuffledDirectory.Path);

        // In order: queued in log order, committed in groups as the writer takes them.
        var inOrderOutcomes = await Task.WhenAll(Events.Select(e => inOrder.HandleAsync(LifeEvents.Cloud(e), CancellationToken.None)));
        Assert.All(inOrderOutcomes, o => Assert.Equal(DeliveryOutcome.Success, o));

        // Every event twice (one copy as JSON), shuffled with a fixed seed, delivered from many threads at once.
        var random = new Random(4_2017);
        var deliveries = Events.SelectMany(e => new[] { LifeEvents.Cloud(e), LifeEvents.CloudJson(e) }).ToArray();
        random.Shuffle(deliveries);
        var shuffledOutcomes = await Task.WhenAll(deliveries.Select(d => Task.Run(() => shuffled.HandleAsync(d, CancellationToken.None))));
        Assert.All(shuffledOutcomes, o => Assert.Equal(DeliveryOutcome.Success, o));

        Assert.Empty(AnalyticsComparison.Differences(inOrder.Current, shuffled.Current));
        Assert.Equal(Events.Count, inOrder.Current.Position);
        Assert.Equal(ScriptedCounty.Total, shuffled.Current.Incidents.Count);

        var final = County.Select(b => b.Facts).ToList();
        var expected = RateEngine.Compute(final, new RateSlice(), ScriptedCounty.AsOf);
        Assert.Equal(expected, RateEngine.Compute(inOrder.Current.Incidents, new RateSlice(), ScriptedCounty.AsOf));
        Assert.Equal(expected, RateEngine.Compute(shuffled.Current.Incidents, new RateSlice(), ScriptedCounty.AsOf));
        // The figures the hand sums of ScriptedCountyRateTests established.
        Assert.Equal((248L, 277L), (expected.Closure.Numerator, expected.Closure.Denominator));
        var window = new RateSlice(ScriptedCounty.T1, From: ScriptedCounty.R0 + TimeSpan.FromHours(48), To: ScriptedCounty.R0 + TimeSpan.FromHours(96));
        Assert.Equal(RateEngine.Compute(final, window, ScriptedCounty.AsOf), RateEngine.Compute(shuffled.Current.Incidents, window, ScriptedCounty.AsOf));
    }

    [Fact]
    public async Task AnOlderVersionAfterANewer_IsASuccessThatChangesNothing()
    {
        using var directory = new TempDirectory();
        await using var projection = await Projections.StartAsync(directory.Path);
        var steps = Events.Where(e => e.IncidentId == "J-000").ToList();
        Assert.True(steps.Count > 3);

        Assert.Equal(DeliveryOutcome.Success, await projection.HandleAsync(LifeEvents.Cloud(steps[3]), CancellationToken.None));
        var afterNewer = projection.Current;
        Assert.Equal(DeliveryOutcome.Success, await projection.HandleAsync(LifeEvents.Cloud(steps[1]), CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Success, await projection.HandleAsync(LifeEvents.Cloud(steps[3]), CancellationToken.None));

        Assert.Same(afterNewer, projection.Current);
        Assert.Equal(steps[3].Incident, Assert.Single(projection.Current.Incidents));
        Assert.Equal(steps[3].Position, projection.Current.Position);
    }

    public static TheoryData<string> DropCases() =>
    [
        "type of another service", "type of another version", "type without a change", "type with a dotted change",
        "content type unknown", "content type missing", "protobuf that does not parse", "JSON that does not parse",
        "no incident id", "no facts", "facts of another incident", "version 0", "facts of another version", "position 0",
    ];

    [Theory]
    [MemberData(nameof(DropCases))]
    public async Task WhatCanNeverBeApplied_IsDropped_AndChangesNothing(string name)
    {
        using var directory = new TempDirectory();
        await using var projection = await Projections.StartAsync(directory.Path);
        var good = Events.First(e => e.IncidentId == "A1-000" && e.IncidentVersion == 2);
        var before = projection.Current;

        var outcome = await projection.HandleAsync(Broken(name, good), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Drop, outcome);
        Assert.Same(before, projection.Current);
        // The good event itself is applied, so the cases above are what made the difference.
        Assert.Equal(DeliveryOutcome.Success, await projection.HandleAsync(LifeEvents.Cloud(good), CancellationToken.None));
        Assert.Single(projection.Current.Incidents);
    }

    private static CloudEvent Broken(string name, IncidentLifeEvent good)
    {
        var cloud = LifeEvents.Cloud(good);
        CloudEvent With(Action<IncidentLifeEvent> change)
        {
            var copy = good.Clone();
            change(copy);
            return cloud with { Data = copy.ToByteArray() };
        }
        return name switch
        {
            "type of another service" => cloud with { Type = "governance.registry.changed.v1" },
            "type of another version" => cloud with { Type = "governance.incident.registered.v2" },
            "type without a change" => cloud with { Type = "governance.incident..v1" },
            "type with a dotted change" => cloud with { Type = "governance.incident.a.b.v1" },
            "content type unknown" => cloud with { DataContentType = "text/plain" },
            "content type missing" => cloud with { DataContentType = null },
            "protobuf that does not parse" => cloud with { Data = new byte[] { 0x0A, 0xFF, 0x01 } },
            "JSON that does not parse" => cloud with { DataContentType = "application/json", Data = "{\"eventId\": "u8.ToArray() },
            "no incident id" => With(e => e.IncidentId = ""),
            "no facts" => With(e => e.Incident = null),
            "facts of another incident" => With(e => e.Incident.IncidentId = "A1-001"),
            "version 0" => With(e => { e.IncidentVersion = 0; e.Incident.Version = 0; }),
            "facts of another version" => With(e => e.Incident.Version = 7),
            "position 0" => With(e => e.Position = 0),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    [Fact]
    public async Task JsonWithFieldsThisBuildDoesNotKnow_IsApplied()
    {
        using var directory = new TempDirectory();
        await using var projection = await Projections.StartAsync(directory.Path);
        var lifeEvent = Events.First();
        var json = JsonFormatter.Default.Format(lifeEvent).TrimEnd('}') + ", \"addedInV2\": {\"x\": 1} }";

        var outcome = await projection.HandleAsync(
            LifeEvents.Cloud(lifeEvent) with { DataContentType = "application/json", Data = System.Text.Encoding.UTF8.GetBytes(json) },
            CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Success, outcome);
        Assert.Equal(lifeEvent.Incident, Assert.Single(projection.Current.Incidents));
    }

    [Fact]
    public async Task ACommit_TellsSubscribersItsPositionAndIncidents_AndWakesWaiters()
    {
        using var directory = new TempDirectory();
        await using var projection = await Projections.StartAsync(directory.Path);
        var notices = new List<(long Position, string[] Ids)>();
        var subscription = projection.Subscribe(c => notices.Add((c.Position, [.. c.IncidentIds.Order(StringComparer.Ordinal)])));
        var batch = Events.Where(e => e.IncidentId is "A1-000" or "B1-000").ToList();
        var waiting = projection.WaitForPositionAfterAsync(0, CancellationToken.None);

        var result = await projection.ApplyBatchAsync(batch, CancellationToken.None);

        await waiting;
        Assert.Equal(new(batch.Count, 0, 0), result);
        var notice = Assert.Single(notices);
        Assert.Equal(batch.Max(e => e.Position), notice.Position);
        Assert.Equal(["A1-000", "B1-000"], notice.Ids);

        subscription.Dispose();
        await projection.ApplyBatchAsync([Events.First(e => e.IncidentId == "C1-000")], CancellationToken.None);
        Assert.Single(notices);
        // A batch of duplicates only commits nothing and tells nobody.
        Assert.Equal(new(0, batch.Count, 0), await projection.ApplyBatchAsync(batch, CancellationToken.None));
    }
}
