using System.Collections.Concurrent;
using System.Text.Json;
using Governance.Contracts.V1;
using Governance.EventStore;
using Governance.Incidents.Publishing;
using Governance.Testing;
using Xunit;

namespace Governance.Cluster.Tests;

/// <summary>
/// Two incident-service processes on one PostgreSQL database, both with the relay and the deadline scheduler on,
/// publishing through one test Dapr sidecar. Only the lease holder publishes and raises alarms; when it is killed
/// mid-stream the other takes both leases and the incident life still arrives whole, in order per incident.
/// </summary>
public sealed class RelayFailoverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static bool HoldsRelay(string line) => line.Contains("holds the relay lease", StringComparison.Ordinal);

    private static bool HoldsScheduler(string line) => line.Contains("holds the scheduler lease", StringComparison.Ordinal);

    [PostgresFact]
    public async Task GivenTheRelayHolderIsKilledMidStream_WhenTheOtherReplicaTakesOver_ThenEveryEventIsDeliveredInOrderPerIncident()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync();
        await using var cluster = await Replicas.CreateAsync();
        string[] dapr = ["--PubSub:Mode=Dapr", $"--PubSub:DaprHttpEndpoint={sidecar.Address}"];
        var first = await cluster.StartOneAsync(dapr);
        await first.WaitForOutputAsync(HoldsRelay, Patience);
        await first.WaitForOutputAsync(HoldsScheduler, Patience);
        var second = await cluster.StartOneAsync(dapr);

        var grid = await Replicas.FirstGridAsync(cluster.Client(second));
        var reporters = new[] { cluster.Client(first, cluster.WorkerToken("wg-failover")), cluster.Client(second, cluster.WorkerToken("wg-failover")) };
        using var stop = new CancellationTokenSource();
        var reported = new ConcurrentBag<string>();
        var failed = 0;
        // Four phones per replica reporting without pause; a report to the killed replica fails and is not counted.
        var load = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var client = reporters[i % 2];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    reported.Add((await Replicas.ReportAsync(client, Replicas.Report(grid, "wg-failover"))).Incident.IncidentId);
                }
                catch (Exception) when (i % 2 == 0)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await TestDaprSidecar.WaitUntilAsync(() => sidecar.Messages(IntegrationTopics.IncidentLife).Count >= 150, "the first replica's relay publishing", Patience);
        Assert.False(second.HasWritten(HoldsRelay), "both replicas published at once");
        Assert.False(second.HasWritten(HoldsScheduler), "both replicas ran the deadline scheduler at once");

        await first.KillAsync();
        await second.WaitForOutputAsync(HoldsRelay, Patience);
        await second.WaitForOutputAsync(HoldsScheduler, Patience);
        var afterTakeover = reported.Count;
        await TestDaprSidecar.WaitUntilAsync(() => reported.Count >= afterTakeover + 100, "reports after the takeover", Patience);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // What the relay owes: every incident-life event of the log, read the way the relay reads it.
        await using var store = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = cluster.ConnectionString, Listen = false });
        await store.InitializeAsync();
        var expected = new List<IncidentLifeEvent>();
        await foreach (var page in new IncidentLifeReader(store).ReadAllAsync(0, 512, CancellationToken.None))
        {
            expected.AddRange(page.Events.Select(r => r.Event));
        }
        Assert.All(reported.Distinct(), id => Assert.Contains(expected, e => e.IncidentId == id));
        var expectedIds = expected.Select(e => e.EventId).ToHashSet();
        await TestDaprSidecar.WaitUntilAsync(
            () => expectedIds.IsSubsetOf(sidecar.Messages(IntegrationTopics.IncidentLife).Select(m => m.Id)), "every event delivered after the failover", Patience);

        var delivered = sidecar.Messages(IntegrationTopics.IncidentLife).Select(Decode).ToList();
        Assert.All(delivered, d => Assert.Contains(d.EventId, expectedIds));
        // In order per incident: the first delivery of each version comes after the first of every lower version.
        // A republished page after the takeover repeats versions already delivered, which consumers absorb.
        foreach (var incident in delivered.GroupBy(d => d.IncidentId))
        {
            var firstSeen = incident.Select(d => d.IncidentVersion).Distinct().ToList();
            Assert.Equal(firstSeen.Order(), firstSeen);
        }
    }

    private static IncidentLifeEvent Decode(SidecarMessage message)
    {
        using var json = JsonDocument.Parse(message.Json);
        return IncidentLifeEvent.Parser.ParseFrom(Convert.FromBase64String(json.RootElement.GetProperty("data_base64").GetString()!));
    }
}
