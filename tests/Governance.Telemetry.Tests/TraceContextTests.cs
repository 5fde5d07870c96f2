using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Governance.Analytics;
using Governance.Analytics.Hosting;
using Governance.Analytics.Projection;
using Governance.Analytics.Storage;
using Governance.Contracts.V1;
using Governance.Incidents.Publishing;
using Governance.PubSub;
using Governance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Governance.Telemetry.Tests;

/// <summary>
/// The edges of the trace one piece at a time: what the relay lets onto a CloudEvent, what the publisher puts on the
/// wire, and where the analytics handler's span hangs. Listeners here see only the spans of their own sources, filtered
/// to the events each test made, so tests running beside them do not disturb them.
/// </summary>
public sealed class TraceContextTests
{
    private const string StoredTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a traceparent")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01")]
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01")]
    public void GivenAMalformedStoredTraceparent_WhenTheRelayMakesTheCloudEvent_ThenItCarriesNone(string? stored)
    {
        var cloudEvent = IncidentLifeRelay.ToCloudEvent(new IncidentLifeRecord(Reported("inc-malformed"), stored));

        Assert.Null(cloudEvent.TraceParent);
    }

    [Fact]
    public void GivenAWellFormedStoredTraceparent_WhenTheRelayMakesTheCloudEvent_ThenItCarriesItUnchanged()
    {
        var cloudEvent = IncidentLifeRelay.ToCloudEvent(new IncidentLifeRecord(Reported("inc-traced"), StoredTraceParent));

        Assert.Equal(StoredTraceParent, cloudEvent.TraceParent);
    }

    [Fact]
    public async Task GivenAListener_WhenTheDaprPublisherSendsAnEvent_ThenItsProducerSpanIsAChildOfTheStoredTraceAndBothTheEventAndTheHeaderNameIt()
    {
        using var spans = new Spans(PubSubTelemetry.Name);
        await using var sidecar = await TestDaprSidecar.StartAsync();
        using var publisher = new DaprPublisher(
            Options.Create(new PubSubOptions { Mode = "Dapr", DaprHttpEndpoint = sidecar.Address.ToString() }), NullLogger<DaprPublisher>.Instance);
        var id = Guid.NewGuid().ToString("N");

        await publisher.PublishAsync("topic-a", [Cloud(Reported(id), StoredTraceParent)], CancellationToken.None);

        var span = Assert.Single(spans.Stopped, s => (string?)s.GetTagItem("cloudevents.event_subject") == id);
        Assert.Equal(("publish topic-a", ActivityKind.Producer), (span.OperationName, span.Kind));
        Assert.Equal(id + "/1", span.GetTagItem("messaging.message.id"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", span.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", span.ParentSpanId.ToHexString());
        var message = Assert.Single(sidecar.Messages("topic-a"));
        Assert.Equal(span.Id, (string?)System.Text.Json.Nodes.JsonNode.Parse(message.Json)!["traceparent"]);
        Assert.Equal(span.Id, Assert.Single(sidecar.PublishRequests).TraceParent);
    }

    [Fact]
    public async Task GivenAListener_WhenTheEmbeddedBrokerDeliversAnEvent_ThenTheSubscriberRunsUnderItsProducerSpanAndTheEventNamesIt()
    {
        using var spans = new Spans(PubSubTelemetry.Name);
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new PubSubOptions()));
        services.AddCloudEventSubscription<RecordingSubscriber>("/incidents");
        await using var provider = services.BuildServiceProvider();
        var broker = new EmbeddedBroker(provider.GetRequiredService<CloudEventSubscriptions>(), NullLogger<EmbeddedBroker>.Instance);
        var id = Guid.NewGuid().ToString("N");

        await broker.PublishAsync(IntegrationTopics.IncidentLife, [Cloud(Reported(id), StoredTraceParent)], CancellationToken.None);

        var span = Assert.Single(spans.Stopped, s => (string?)s.GetTagItem("cloudevents.event_subject") == id);
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), (span.TraceId.ToHexString(), span.ParentSpanId.ToHexString()));
        Assert.Equal("embedded", span.GetTagItem("messaging.system"));
        var (traceParent, current) = Assert.Single(provider.GetRequiredService<RecordingSubscriber>().Seen);
        Assert.Equal((span.Id, span.Id), (traceParent, current));
    }

    [Fact]
    public async Task GivenACloudEventWithATraceparent_WhenTheProjectionHandlesIt_ThenItsSpanIsAChildOfThatContext()
    {
        using var spans = new Spans(AnalyticsTelemetry.Name);
        await using var projection = await StartProjectionAsync();
        var id = Guid.NewGuid().ToString("N");

        Assert.Equal(DeliveryOutcome.Success, await projection.Value.HandleAsync(Cloud(Reported(id), StoredTraceParent), CancellationToken.None));

        var span = Assert.Single(spans.Stopped, s => (string?)s.GetTagItem("governance.incident_id") == id);
        Assert.Equal((AnalyticsTelemetry.ProjectSpanName, ActivityKind.Consumer), (span.OperationName, span.Kind));
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), (span.TraceId.ToHexString(), span.ParentSpanId.ToHexString()));
        Assert.Equal("Success", span.GetTagItem("governance.delivery.outcome"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("garbage")]
    public async Task GivenACloudEventWithoutAUsableTraceparent_WhenTheProjectionHandlesIt_ThenItsSpanStartsANewTraceLinkedToTheDelivery(string? traceParent)
    {
        using var spans = new Spans(AnalyticsTelemetry.Name);
        await using var projection = await StartProjectionAsync();
        var id = Guid.NewGuid().ToString("N");
        // The delivery that brings the event (the sidecar's request, say) is the current span.
        using var delivery = new Activity("delivery").Start();

        Assert.Equal(DeliveryOutcome.Success, await projection.Value.HandleAsync(Cloud(Reported(id), traceParent), CancellationToken.None));

        var span = Assert.Single(spans.Stopped, s => (string?)s.GetTagItem("governance.incident_id") == id);
        Assert.Equal(default, span.ParentSpanId);
        Assert.Null(span.Parent);
        Assert.NotEqual(delivery.TraceId, span.TraceId);
        Assert.Equal(delivery.Context, Assert.Single(span.Links).Context);
        // The handler leaves the current span as it found it.
        Assert.Same(delivery, Activity.Current);
    }

    [Fact]
    public async Task GivenNoDeliverySpanAndNoTraceparent_WhenTheProjectionHandlesIt_ThenItsSpanIsARootWithoutLinks()
    {
        using var spans = new Spans(AnalyticsTelemetry.Name);
        await using var projection = await StartProjectionAsync();
        var id = Guid.NewGuid().ToString("N");
        Activity.Current = null;

        Assert.Equal(DeliveryOutcome.Success, await projection.Value.HandleAsync(Cloud(Reported(id), null), CancellationToken.None));

        var span = Assert.Single(spans.Stopped, s => (string?)s.GetTagItem("governance.incident_id") == id);
        Assert.Equal(default, span.ParentSpanId);
        Assert.Empty(span.Links);
    }

    private static IncidentLifeEvent Reported(string incidentId)
    {
        var at = DateTimeOffset.UtcNow;
        return new IncidentLifeEvent
        {
            EventId = incidentId + "/1",
            Position = 1,
            IncidentId = incidentId,
            IncidentVersion = 1,
            OccurredAt = Timestamp.FromDateTimeOffset(at),
            By = new Actor { Subject = "wg-test", Role = "grid_worker" },
            Reported = new IncidentReportedEvent { ClientReportId = incidentId },
            Incident = new IncidentFacts
            {
                IncidentId = incidentId,
                Version = 1,
                State = IncidentState.Reported,
                Channel = Channel.App,
                CategoryCode = "LE-0101",
                CategoryName = "暴露垃圾",
                Platform = Platform.Unspecified,
                CountyCode = "330290",
                TownshipCode = "330290001",
                VillageCode = "330290001001",
                GridCode = "330290001001001",
                ReportedAt = Timestamp.FromDateTimeOffset(at),
            },
        };
    }

    private static CloudEvent Cloud(IncidentLifeEvent lifeEvent, string? traceParent) =>
        IncidentLifeRelay.ToCloudEvent(new IncidentLifeRecord(lifeEvent, traceParent)) with { Topic = IntegrationTopics.IncidentLife };

    private static async Task<Started<IncidentFactsProjection>> StartProjectionAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "governance-tests", "otel-projection-" + Guid.NewGuid().ToString("N"));
        var projection = new IncidentFactsProjection(new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(directory)),
            Options.Create(new AnalyticsOptions()), TimeProvider.System, NullLogger<IncidentFactsProjection>.Instance);
        await projection.StartAsync(CancellationToken.None);
        return new Started<IncidentFactsProjection>(projection, async () =>
        {
            await projection.DisposeAsync();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        });
    }

    /// <summary>Records, per delivery, the event's traceparent and the span current while the handler runs.</summary>
    private sealed class RecordingSubscriber : ICloudEventHandler
    {
        private readonly ConcurrentQueue<(string? TraceParent, string? Current)> _seen = new();

        public IReadOnlyList<(string? TraceParent, string? Current)> Seen => [.. _seen];

        public Task<DeliveryOutcome> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            _seen.Enqueue((cloudEvent.TraceParent, Activity.Current?.Id));
            return Task.FromResult(DeliveryOutcome.Success);
        }
    }

    private sealed class Started<T>(T value, Func<Task> stop) : IAsyncDisposable
    {
        public T Value { get; } = value;

        public async ValueTask DisposeAsync() => await stop();
    }

    /// <summary>Every span of one source, recorded, while it is not disposed.</summary>
    private sealed class Spans : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public Spans(string source)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == source,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped => [.. _stopped];

        public void Dispose() => _listener.Dispose();
    }
}
