using System.Collections.Concurrent;
using Governance.Domain;
using Governance.EventStore;
using Governance.Incidents.Publishing;
using Governance.Incidents.Storage;
using Governance.PubSub;
using Governance.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;
using static Governance.Incidents.Tests.Publishing.LifeHistory;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>The relay on a real store and checkpoint file, with a publisher that records what it is given.</summary>
public sealed class IncidentLifeRelayTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "governance-tests", "relay-" + Guid.NewGuid().ToString("N"));
    private readonly RecordingPublisher _publisher = new();
    private SqliteEventStore _store = null!;
    private RelayCheckpoint _checkpoint = null!;
    private IncidentLifeRelay? _relay;

    public async Task InitializeAsync()
    {
        _store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = Path.Combine(_folder, "events.db") });
        await _store.InitializeAsync();
        _checkpoint = new RelayCheckpoint(Path.Combine(_folder, "relay.db"));
    }

    public async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.StopAsync(CancellationToken.None);
            _relay.Dispose();
        }
        await _checkpoint.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<IncidentLifeRelay> StartRelayAsync(bool enabled = true)
    {
        _relay = new IncidentLifeRelay(_store, _checkpoint, _publisher, new InProcessLease(), Options.Create(new PubSubOptions()),
            Options.Create(new RelayOptions { Enabled = enabled, BatchSize = 2, MaxRetryDelay = TimeSpan.FromMilliseconds(100) }),
            TimeProvider.System, NullLogger<IncidentLifeRelay>.Instance);
        await _relay.StartAsync(CancellationToken.None);
        return _relay;
    }

    private async Task<AppendResult> ReportAsync(string incidentId)
    {
        var report = (Domain.Incidents.IIncidentEvent)EventSerializer.Deserialize(Domain.Incidents.IncidentReported.EventType,
            System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(EventSerializer.Serialize(Reported().Events[0]))
                .Replace($"\"{Id}\"", $"\"{incidentId}\"", StringComparison.Ordinal)));
        return await new DomainStreams(_store).AppendAsync(StreamNames.Incident(incidentId), 0, [report], EventMetadata.None, default);
    }

    [Fact]
    public async Task GivenPagesOfTwo_WhenRelayed_ThenEveryPageIsPublishedBeforeTheCheckpointMovesPastIt()
    {
        var reports = new List<AppendResult>();
        for (var i = 0; i < 5; i++)
        {
            reports.Add(await ReportAsync($"inc-{i}"));
        }

        var relay = await StartRelayAsync();
        await relay.WaitForPositionAsync(reports[^1].LastPosition, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal([2, 2, 1], _publisher.Batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"inc-{i}"), _publisher.Batches.SelectMany(b => b).Select(e => e.Subject));
        Assert.Equal(reports[^1].LastPosition, await _checkpoint.GetAsync(IncidentLifeRelay.RelayName, default));
    }

    [Fact]
    public async Task GivenAnEventThisBuildCannotRead_WhenRelayed_ThenItStopsBeforeItUnhealthyAndPublishesNothingAfterIt()
    {
        var first = await ReportAsync("inc-1");
        var unreadable = await _store.AppendAsync(StreamNames.Incident("inc-1"), 1,
            [new EventData(Guid.CreateVersion7(), "incident.teleported.v1", "{}"u8.ToArray())]);
        await ReportAsync("inc-2");

        var relay = await StartRelayAsync();
        await TestDaprSidecar.WaitUntilAsync(() => relay.Status.Health == HealthStatus.Unhealthy, "the relay reporting unhealthy");
        var check = await new RelayHealthCheck(relay).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(first.LastPosition, relay.Position);
        Assert.True(relay.Position < unreadable.LastPosition);
        Assert.Equal(["inc-1"], _publisher.Batches.SelectMany(b => b).Select(e => e.Subject));
        Assert.Equal(first.LastPosition, await _checkpoint.GetAsync(IncidentLifeRelay.RelayName, default));
        Assert.Equal(HealthStatus.Unhealthy, check.Status);
        Assert.Contains("incident.teleported.v1", check.Description);
        Assert.Contains($"position {first.LastPosition}", check.Description);
    }

    [Fact]
    public async Task GivenACheckpointBeyondTheEndOfTheLog_WhenRelayed_ThenTheLogIsPublishedAgainFromTheStart()
    {
        var report = await ReportAsync("inc-1");
        await _checkpoint.OpenAsync(default);
        await _checkpoint.SetAsync(IncidentLifeRelay.RelayName, 9_999, DateTimeOffset.UtcNow, default);

        var relay = await StartRelayAsync();
        await TestDaprSidecar.WaitUntilAsync(() => _publisher.Batches.Count == 1, "the report published");

        Assert.Equal(["inc-1"], _publisher.Batches.SelectMany(b => b).Select(e => e.Subject));
        await relay.WaitForPositionAsync(report.LastPosition, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(report.LastPosition, await _checkpoint.GetAsync(IncidentLifeRelay.RelayName, default));
    }

    [Fact]
    public async Task GivenARelayTurnedOff_WhenStarted_ThenItPublishesNothingAndSaysSo()
    {
        await ReportAsync("inc-1");

        var relay = await StartRelayAsync(enabled: false);
        await (relay.ExecuteTask ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(_publisher.Batches);
        Assert.Equal(0, relay.Position);
        Assert.Contains("turned off", relay.Status.Description);
    }

    private sealed class RecordingPublisher : IEventPublisher
    {
        private readonly ConcurrentQueue<IReadOnlyList<CloudEvent>> _batches = new();

        public IReadOnlyList<IReadOnlyList<CloudEvent>> Batches => [.. _batches];

        public Task PublishAsync(string topic, IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken)
        {
            _batches.Enqueue(events);
            return Task.CompletedTask;
        }
    }
}
