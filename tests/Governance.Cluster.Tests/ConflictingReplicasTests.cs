using System.Collections.Concurrent;
using System.Text;
using Governance.Contracts.V1;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Testing;
using Xunit;

namespace Governance.Cluster.Tests;

/// <summary>
/// Two incident-service processes on one PostgreSQL database, each with its own cache and per-incident lock, taking
/// hundreds of concurrent commands on the same incidents from both sides.
/// </summary>
public sealed class ConflictingReplicasTests
{
    private const int Incidents = 6;
    private const int CommandsPerReplicaPerIncident = 25;
    private const int MaxAttempts = 60;

    [PostgresFact]
    public async Task GivenTwoReplicas_WhenConflictingCommandsRaceOnTheSameIncidents_ThenTheLogIsTheSerialReplayOfTheAcceptedOnes()
    {
        await using var cluster = await Replicas.CreateAsync();
        var replicas = await cluster.StartAsync(2, "--PubSub:Mode=Embedded");
        var clients = replicas.Select(r => cluster.Client(r)).ToArray();
        var grid = await Replicas.FirstGridAsync(clients[0]);
        var ids = new List<string>();
        for (var i = 0; i < Incidents; i++)
        {
            var report = await Replicas.ReportAsync(cluster.Client(replicas[i % 2], cluster.WorkerToken("wg-cluster")), Replicas.Report(grid, "wg-cluster"));
            ids.Add(report.Incident.IncidentId);
        }

        // Every command is a 督办 with a note of its own, sent with the version its sender last read from either
        // replica. A stale version is ABORTED with the current one in the trailer; the sender reads again and retries.
        var accepted = new ConcurrentBag<(string IncidentId, string Note, long Version)>();
        var aborted = 0;
        var commands = from incident in ids
                       from replica in Enumerable.Range(0, 2)
                       from n in Enumerable.Range(0, CommandsPerReplicaPerIncident)
                       select (incident, replica, note: $"督办 r{replica} n{n} {incident[..8]}");
        using var throttle = new SemaphoreSlim(24);
        await Task.WhenAll(commands.Select(async c =>
        {
            await throttle.WaitAsync();
            try
            {
                var client = clients[c.replica];
                var version = (await Replicas.GetAsync(clients[1 - c.replica], c.incident)).Version;
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var response = await client.UnaryAsync<SuperviseIncidentRequest, SuperviseIncidentResponse>(
                            GovernanceServices.WorkflowService.Method("SuperviseIncident"),
                            new SuperviseIncidentRequest { IncidentId = c.incident, ExpectedVersion = version, Note = c.note });
                        accepted.Add((c.incident, c.note, response.Incident.Version));
                        return;
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.Aborted && attempt < MaxAttempts)
                    {
                        Interlocked.Increment(ref aborted);
                        version = long.Parse(e.Trailers["current-version"], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            finally
            {
                throttle.Release();
            }
        }));

        // Every command was eventually accepted once; the race made many of them meet a newer version first.
        Assert.Equal(Incidents * 2 * CommandsPerReplicaPerIncident, accepted.Count);
        Assert.True(aborted > 0, "the replicas never conflicted: the test raced nothing");

        await using var store = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = cluster.ConnectionString, Listen = false });
        await store.InitializeAsync();
        foreach (var incident in ids)
        {
            var mine = accepted.Where(a => a.IncidentId == incident).OrderBy(a => a.Version).ToList();
            // Each accepted command answered a version no other command of this incident got: no two writes on one version.
            Assert.Equal(mine.Count, mine.Select(a => a.Version).Distinct().Count());

            var stream = await store.ReadStreamAsync("incident-" + incident);
            var supervised = stream.Where(e => e.Type == "incident.supervised.v1").ToList();
            // The log holds exactly the accepted commands, in the order of the versions they were answered with,
            // and nothing else was written on top: a serial replay of the accepted commands gives this stream.
            Assert.Equal(mine.Count, supervised.Count);
            for (var i = 0; i < mine.Count; i++)
            {
                Assert.Equal(mine[i].Version, supervised[i].Version);
                var data = Encoding.UTF8.GetString(supervised[i].Data.Span);
                Assert.Contains(mine[i].Note, data, StringComparison.Ordinal);
                // Count is decided from the state the command saw: a lost update would repeat a count.
                Assert.Matches($"(?i)\"count\":{i + 1}[,}}]", data);
            }
            Assert.Equal(stream[^1].Version, mine[^1].Version);
            Assert.Equal(Enumerable.Range(1, stream.Count).Select(v => (long)v), stream.Select(e => e.Version));

            // Both replicas answer the final state, whichever wrote last: neither serves a stale cache.
            foreach (var client in clients)
            {
                Assert.Equal(stream[^1].Version, (await Replicas.GetAsync(client, incident)).Version);
            }
        }
    }

    [PostgresFact]
    public async Task GivenTwoReplicas_WhenOneReportIsRetriedOnBothAtOnce_ThenOneIncidentExistsAndEveryRetryReturnsTheFirstResult()
    {
        await using var cluster = await Replicas.CreateAsync();
        var replicas = await cluster.StartAsync(2, "--PubSub:Mode=Embedded");
        var grid = await Replicas.FirstGridAsync(cluster.Client(replicas[0]));
        var workers = replicas.Select(r => cluster.Client(r, cluster.WorkerToken("wg-retry"))).ToArray();

        for (var round = 0; round < 5; round++)
        {
            // A phone on a bad network: the same report (same client_report_id) sent 20 times, landing on either replica.
            var request = Replicas.Report(grid, "wg-retry");
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Replicas.ReportAsync(workers[i % 2], request)));

            Assert.Single(answers.Select(a => a.Incident.IncidentId).Distinct());
            Assert.Single(answers, a => a.Created);
            Assert.All(answers, a => Assert.Equal(answers.First(x => x.Created).Incident.ReportedAt, a.Incident.ReportedAt));
            await using var store = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = cluster.ConnectionString, Listen = false });
            await store.InitializeAsync();
            var stream = await store.ReadStreamAsync("incident-" + answers[0].Incident.IncidentId);
            Assert.Single(stream, e => e.Type == "incident.reported.v1");
        }
    }
}
