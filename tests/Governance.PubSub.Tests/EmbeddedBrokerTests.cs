using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Governance.PubSub.Tests;

/// <summary>The in-process broker settles deliveries by the subscriber's answer, as Dapr would.</summary>
public sealed class EmbeddedBrokerTests
{
    private const string Topic = "governance.incidents.v1";
    private const string DeadLetter = "governance.incidents.v1.dead-letter";

    private static (EmbeddedBroker Broker, ScriptedSubscriber Subscriber, DeadLetterSubscriber DeadLetters, ServiceProvider Services) Broker(
        bool deadLetterTopic = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new PubSubOptions()));
        services.AddCloudEventSubscription<ScriptedSubscriber>("/incidents", deadLetterTopic: deadLetterTopic ? o => o.DeadLetterTopic : _ => null);
        services.AddCloudEventSubscription<DeadLetterSubscriber>("/incidents/dead-letter", topic: o => o.DeadLetterTopic, deadLetterTopic: _ => null);
        var provider = services.BuildServiceProvider();
        var broker = new EmbeddedBroker(provider.GetRequiredService<CloudEventSubscriptions>(), NullLogger<EmbeddedBroker>.Instance);
        return (broker, provider.GetRequiredService<ScriptedSubscriber>(), provider.GetRequiredService<DeadLetterSubscriber>(), provider);
    }

    private static CloudEvent Event(string id, string subject = "inc-1") => new()
    {
        Id = id,
        Source = "/governance/incidents",
        Type = "governance.incident.reported.v1",
        Subject = subject,
        DataContentType = "application/protobuf",
        Data = new byte[] { 1, 2, 3 },
    };

    [Fact]
    public async Task GivenASubscriber_WhenABatchIsPublished_ThenItGetsEveryEventOnceWithTheTopic()
    {
        var (broker, subscriber, deadLetters, services) = Broker();
        await using var _ = services;

        await broker.PublishAsync(Topic, [Event("e1"), Event("e2"), Event("e3", "inc-2")], CancellationToken.None);

        Assert.Equal(["e1", "e2", "e3"], subscriber.Succeeded.Order());
        Assert.All(subscriber.Deliveries, d => Assert.Equal(Topic, d.Event.Topic));
        Assert.Empty(deadLetters.Deliveries);
    }

    [Fact]
    public async Task GivenASubscriberThatAsksTwiceForRetry_WhenPublished_ThenPublishCompletesOnlyAfterTheThirdDeliverySucceeds()
    {
        var (broker, subscriber, _, services) = Broker();
        await using var __ = services;
        subscriber.Script = (e, attempt) => e.Id == "e2" && attempt <= 2 ? DeliveryOutcome.Retry : DeliveryOutcome.Success;

        await broker.PublishAsync(Topic, [Event("e1"), Event("e2")], CancellationToken.None);

        Assert.Equal(3, subscriber.AttemptsOf("e2"));
        Assert.Equal(1, subscriber.AttemptsOf("e1"));
        Assert.Equal(2, broker.Redeliveries);
    }

    [Fact]
    public async Task GivenASubscriberThatThrows_WhenPublished_ThenTheEventIsDeliveredAgainUntilItIsTaken()
    {
        var (broker, subscriber, _, services) = Broker();
        await using var __ = services;
        subscriber.Script = (_, attempt) => attempt == 1 ? throw new IOException("the projection store is busy") : DeliveryOutcome.Success;

        await broker.PublishAsync(Topic, [Event("e1")], CancellationToken.None);

        Assert.Equal(2, subscriber.AttemptsOf("e1"));
        Assert.Equal(["e1"], subscriber.Succeeded);
        Assert.Equal(1, broker.Redeliveries);
    }

    [Fact]
    public async Task GivenADrop_WhenPublished_ThenTheDeadLetterTopicGetsItAndTheRestOfTheBatchIsTaken()
    {
        var (broker, subscriber, deadLetters, services) = Broker();
        await using var _ = services;
        subscriber.Script = (e, _) => e.Id == "e2" ? DeliveryOutcome.Drop : DeliveryOutcome.Success;

        await broker.PublishAsync(Topic, [Event("e1"), Event("e2"), Event("e3")], CancellationToken.None);

        Assert.Equal(["e1", "e3"], subscriber.Succeeded.Order());
        var dead = Assert.Single(deadLetters.Deliveries);
        Assert.Equal(("e2", DeadLetter), (dead.Event.Id, dead.Event.Topic));
        Assert.Equal(1, broker.Dropped);
    }

    [Fact]
    public async Task GivenADropWithoutADeadLetterTopic_WhenPublished_ThenItIsCountedAndNothingElseGetsIt()
    {
        var (broker, subscriber, deadLetters, services) = Broker(deadLetterTopic: false);
        await using var _ = services;
        subscriber.Script = (_, _) => DeliveryOutcome.Drop;

        await broker.PublishAsync(Topic, [Event("e1")], CancellationToken.None);

        Assert.Empty(deadLetters.Deliveries);
        Assert.Equal(1, broker.Dropped);
    }

    [Fact]
    public async Task GivenABatch_WhenPublished_ThenItsEventsAreHandedOverTogether()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new PubSubOptions()));
        services.AddCloudEventSubscription<GatheringSubscriber>("/incidents");
        await using var provider = services.BuildServiceProvider();
        var broker = new EmbeddedBroker(provider.GetRequiredService<CloudEventSubscriptions>(), NullLogger<EmbeddedBroker>.Instance);
        var subscriber = provider.GetRequiredService<GatheringSubscriber>();

        // Each delivery waits until all five are in hand: a broker delivering one at a time would never get there.
        await broker.PublishAsync(Topic, [.. Enumerable.Range(1, GatheringSubscriber.BatchSize).Select(i => Event($"e{i}", $"inc-{i}"))], CancellationToken.None);

        Assert.Equal(GatheringSubscriber.BatchSize, subscriber.Succeeded.Count);
    }

    [Fact]
    public async Task GivenASubscriberThatNeverTakesIt_WhenThePublisherGivesUp_ThenPublishIsCancelledNotCompleted()
    {
        var (broker, subscriber, _, services) = Broker();
        await using var __ = services;
        subscriber.Script = (_, _) => DeliveryOutcome.Retry;
        using var cancel = new CancellationTokenSource();

        var publish = broker.PublishAsync(Topic, [Event("e1")], cancel.Token);
        await TestWait.UntilAsync(() => subscriber.AttemptsOf("e1") >= 3, "three attempts");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publish);
    }

    [Fact]
    public async Task GivenASubscriberThatKeepsRefusing_WhileItDoes_ThenTheDeliveryIsListedAndHealthTurnsDegradedAfterAWhile()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new PubSubOptions()));
        services.AddCloudEventSubscription<ScriptedSubscriber>("/incidents");
        await using var provider = services.BuildServiceProvider();
        var now = DateTimeOffset.Parse("2026-12-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var broker = new EmbeddedBroker(provider.GetRequiredService<CloudEventSubscriptions>(), NullLogger<EmbeddedBroker>.Instance)
        {
            WallClock = () => now,
        };
        var health = new EmbeddedBrokerHealthCheck(broker, provider.GetRequiredService<IOptions<PubSubOptions>>());
        var subscriber = provider.GetRequiredService<ScriptedSubscriber>();
        var open = false;
        subscriber.Script = (e, attempt) => e.Id == "e2" && !Volatile.Read(ref open)
            ? attempt == 1 ? throw new IOException("analytics.db is locked") : DeliveryOutcome.Retry
            : DeliveryOutcome.Success;
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        var publish = broker.PublishAsync(Topic, [Event("e1"), Event("e2")], CancellationToken.None);
        await TestWait.UntilAsync(() => subscriber.AttemptsOf("e2") >= 3, "three attempts");

        var refused = Assert.Single(broker.Refused);
        Assert.Equal(("/incidents", "e2", now), (refused.Route, refused.EventId, refused.FirstRefusedAt));
        Assert.True(refused.Attempts >= 2);
        Assert.Equal("the subscriber answered RETRY", refused.LastReason);
        var young = await health.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, young.Status); // a refusal of a moment is no news
        Assert.Contains("1 deliveries are being retried", young.Description);
        now += EmbeddedBroker.StuckAfter;
        var stuck = await health.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, stuck.Status);
        Assert.Contains("e2", stuck.Description);
        Assert.Contains("behind the log", stuck.Description);
        Assert.False(publish.IsCompleted);

        Volatile.Write(ref open, true);
        await publish;

        Assert.Empty(broker.Refused);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task GivenDaprMode_WhenHealthIsAsked_ThenTheEmbeddedBrokerReportsNothing()
    {
        var (broker, _, _, services) = Broker();
        await using var _ = services;
        var options = Options.Create(new PubSubOptions { Mode = nameof(PubSubMode.Dapr) });

        var result = await new EmbeddedBrokerHealthCheck(broker, options).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("Dapr mode", result.Description);
    }

    [Fact]
    public async Task GivenATopicWithoutSubscribers_WhenPublished_ThenItCompletes()
    {
        var (broker, subscriber, _, services) = Broker();
        await using var _ = services;

        await broker.PublishAsync("another.topic", [Event("e1")], CancellationToken.None);

        Assert.Empty(subscriber.Deliveries);
    }

    public sealed class GatheringSubscriber : ScriptedSubscriber
    {
        public const int BatchSize = 5;

        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public override async Task<DeliveryOutcome> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == BatchSize)
            {
                _all.TrySetResult();
            }
            await _all.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return await base.HandleAsync(cloudEvent, cancellationToken);
        }
    }
}

internal static class TestWait
{
    /// <summary>Polls until the condition holds, failing with <paramref name="what"/> after a generous minute.</summary>
    public static Task UntilAsync(Func<bool> condition, string what) => Testing.TestDaprSidecar.WaitUntilAsync(condition, what);
}
