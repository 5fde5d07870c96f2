using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.EventStore;
using Governance.Incidents.Deadlines;
using Governance.Incidents.Hosting;
using Governance.Incidents.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Governance.Incidents.Tests.Deadlines;

/// <summary>
/// The scheduler on a real SQLite event store and index in a temporary folder, with a clock the test moves.
/// An incident of exposed garbage (sign within 2 working hours, handle within 1 working day) is dispatched on
/// Monday 2 March 2026 at 09:00: the sign warning (80 %) is due at 10:36, the sign deadline at 11:00.
/// </summary>
public sealed class DeadlineSchedulerTests : IAsyncDisposable
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset DispatchedAt = new(2026, 3, 2, 9, 0, 0, Cst);
    private static readonly DateTimeOffset SignWarning = new(2026, 3, 2, 10, 36, 0, Cst);
    private static readonly DateTimeOffset SignDeadline = new(2026, 3, 2, 11, 0, 0, Cst);
    private static readonly DateTimeOffset HandleDeadline = new(2026, 3, 3, 17, 30, 0, Cst);
    private const string Department = "330290-CGJ";
    private static readonly Actor Handler = new("cgj-01", ActorRole.DepartmentHandler);
    private static readonly Actor Center = new("zhzx-01", ActorRole.CountyCenter);
    private static readonly WorkingCalendar Calendar = WorkingCalendar.ChinaDefault;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "governance-tests", "deadlines-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(DispatchedAt);
    private World? _world;

    /// <summary>Store, incident store, index and scheduler on the folder's files; disposing it is a process stopping.</summary>
    private sealed class World : IAsyncDisposable
    {
        private World(SqliteEventStore store, IncidentStore incidents, SqliteDeadlineIndex index, DeadlineScheduler scheduler)
        {
            Store = store;
            Incidents = incidents;
            Index = index;
            Scheduler = scheduler;
        }

        public SqliteEventStore Store { get; }

        public IncidentStore Incidents { get; }

        public SqliteDeadlineIndex Index { get; }

        public DeadlineScheduler Scheduler { get; }

        public static async Task<World> StartAsync(string folder, TimeProvider clock)
        {
            var store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = Path.Combine(folder, "events.db") });
            await store.InitializeAsync();
            var options = Options.Create(new IncidentsOptions { DataDirectory = folder, Deadlines = { MaxSleep = TimeSpan.FromSeconds(30) } });
            var incidents = new IncidentStore(new DomainStreams(store), options);
            var index = new SqliteDeadlineIndex(Path.Combine(folder, "deadlines.db"));
            // Opened here so the test can look into it before the scheduler's first pass (which opens it too).
            await index.OpenAsync(default);
            var scheduler = new DeadlineScheduler(store, incidents, index, new InProcessLease(), Calendar, clock, options, NullLogger<DeadlineScheduler>.Instance);
            return new World(store, incidents, index, scheduler);
        }

        /// <summary>One pass of the loop, done by hand: index the log, fire what is due.</summary>
        public async Task<int> PassAsync()
        {
            await Scheduler.CatchUpAsync(default);
            var raised = await Scheduler.FireDueAsync(default);
            await Scheduler.CatchUpAsync(default);
            return raised;
        }

        public async Task<List<DeadlineAlarmRaised>> AlarmsAsync(string incidentId)
        {
            var (events, _) = await new DomainStreams(Store).ReadAsync(StreamNames.Incident(incidentId), default);
            return [.. events.OfType<DeadlineAlarmRaised>()];
        }

        public async ValueTask DisposeAsync()
        {
            await Scheduler.StopAsync(default);
            Scheduler.Dispose();
            await Index.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    private async Task<World> StartAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
        _world = await World.StartAsync(_folder, _clock);
        return _world;
    }

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A grid worker's report, auto-registered and dispatched, as the reporting service writes it.</summary>
    private static async Task DispatchAsync(World world, string incidentId)
    {
        var category = new CategorySnapshot("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, false);
        var routing = RoutingOutcome.InGrid(GridLocation.FromGridCode("330290001001001"),
            new Responsibility(Department, RuleScopeLevel.County, "330290", "County rule for LE-0101"));
        var command = new ReportIncident(incidentId, new Actor("gw-001", ActorRole.GridWorker), "client-" + incidentId, ReportChannel.App, category,
            "河道旁暴露垃圾", new GeoLocation(121.25, 30.17, CoordinateSystem.Wgs84, 5), DispatchedAt.AddMinutes(-5), [], routing, DispatchedAt);
        var events = IncidentDecider.Decide(null, command, Calendar);
        var dispatched = Assert.IsType<IncidentDispatched>(events[^1]);
        Assert.Equal((SignWarning, SignDeadline, HandleDeadline), (dispatched.SignWarningAt, dispatched.SignDeadline, dispatched.HandleDeadline));
        await new DomainStreams(world.Store).AppendAsync(StreamNames.Incident(incidentId), ExpectedVersion.NoStream, events, new EventMetadata("test", null, null), default);
    }

    private static Task ExecuteAsync(World world, IIncidentCommand command, string incidentId) =>
        world.Incidents.ExecuteAsync(incidentId, null, s => IncidentDecider.Decide(s, command, Calendar), null, new EventMetadata("test", null, null), default);

    private static IEnumerable<(DeadlineKind, AlarmLevel)> Kinds(IEnumerable<DeadlineAlarmRaised> alarms) => alarms.Select(a => (a.Kind, a.Level));

    [Fact]
    public async Task GivenDispatched_WhenTimePasses_ThenOneSignWarningAt80PercentAndOneOverdueAtTheDeadline_NoneBefore()
    {
        var world = await StartAsync();
        await DispatchAsync(world, "inc-1");

        _clock.SetUtcNow(SignWarning.AddSeconds(-1));
        Assert.Equal(0, await world.PassAsync());
        Assert.Empty(await world.AlarmsAsync("inc-1"));

        _clock.SetUtcNow(SignWarning);
        Assert.Equal(1, await world.PassAsync());
        Assert.Equal(0, await world.PassAsync());
        var warning = Assert.Single(await world.AlarmsAsync("inc-1"));
        Assert.Equal((DeadlineKind.Sign, AlarmLevel.Warning, SignWarning, Department), (warning.Kind, warning.Level, warning.DueAt, warning.DepartmentCode));

        _clock.SetUtcNow(SignDeadline.AddSeconds(-1));
        Assert.Equal(0, await world.PassAsync());
        _clock.SetUtcNow(SignDeadline.AddMinutes(3));
        Assert.Equal(1, await world.PassAsync());
        Assert.Equal(0, await world.PassAsync());

        Assert.Equal([(DeadlineKind.Sign, AlarmLevel.Warning), (DeadlineKind.Sign, AlarmLevel.Overdue)], Kinds(await world.AlarmsAsync("inc-1")));
        Assert.Equal([DeadlineKind.Handle, DeadlineKind.Handle], (await world.Index.GetAlarmsAsync("inc-1", default)).Select(a => a.Kind));
    }

    [Fact]
    public async Task GivenSignedBeforeTheWarning_WhenTheSignDeadlinePasses_ThenNoSignAlarm()
    {
        var world = await StartAsync();
        await DispatchAsync(world, "inc-1");
        await world.PassAsync();

        await ExecuteAsync(world, new SignAssignment("inc-1", Department, Handler, DispatchedAt.AddMinutes(40)), "inc-1");
        _clock.SetUtcNow(SignDeadline.AddHours(1));
        Assert.Equal(0, await world.PassAsync());

        Assert.Empty(await world.AlarmsAsync("inc-1"));
        Assert.DoesNotContain(await world.Index.GetAlarmsAsync("inc-1", default), a => a.Kind == DeadlineKind.Sign);
    }

    [Fact]
    public async Task GivenStoppedAfterTheWarningWasDueButBeforeItFired_WhenRestarted_ThenItFiresOnce_AndNotAgainAfterAnotherRestart()
    {
        var first = await StartAsync();
        await DispatchAsync(first, "inc-1");
        await first.Scheduler.CatchUpAsync(default);
        _clock.SetUtcNow(SignWarning.AddMinutes(1));

        var second = await StartAsync();
        Assert.Single(await second.Index.GetDueAsync(_clock.GetUtcNow(), 10, default));
        Assert.Equal(1, await second.PassAsync());
        Assert.Equal((DeadlineKind.Sign, AlarmLevel.Warning), Kinds(await second.AlarmsAsync("inc-1")).Single());

        var third = await StartAsync();
        _clock.SetUtcNow(SignWarning.AddMinutes(5));
        Assert.Equal(0, await third.PassAsync());
        Assert.Single(await third.AlarmsAsync("inc-1"));
    }

    [Fact]
    public async Task GivenACrashBetweenTheAppendAndTheRowsDelete_WhenRestarted_ThenTheRowFiresAgainAndNothingIsWritten()
    {
        var first = await StartAsync();
        await DispatchAsync(first, "inc-1");
        await first.Scheduler.CatchUpAsync(default);
        _clock.SetUtcNow(SignWarning);
        // What the scheduler appends, without the delete that would have followed.
        await ExecuteAsync(first, new RaiseDeadlineAlarm("inc-1", Department, DeadlineKind.Sign, AlarmLevel.Warning, SignWarning), "inc-1");
        Assert.Single(await first.Index.GetDueAsync(SignWarning, 10, default));

        var second = await StartAsync();
        Assert.Equal(0, await second.Scheduler.FireDueAsync(default));
        await second.Scheduler.CatchUpAsync(default);

        Assert.Single(await second.AlarmsAsync("inc-1"));
        Assert.Empty(await second.Index.GetDueAsync(SignWarning, 10, default));
    }

    [Fact]
    public async Task GivenTheHandleOverdueFired_WhenAnExtensionIsApproved_ThenANewOverdueFiresAtTheNewDeadline()
    {
        var world = await StartAsync();
        await DispatchAsync(world, "inc-1");
        await ExecuteAsync(world, new SignAssignment("inc-1", Department, Handler, DispatchedAt.AddMinutes(10)), "inc-1");
        _clock.SetUtcNow(HandleDeadline.AddMinutes(1));
        Assert.Equal(2, await world.PassAsync());

        await ExecuteAsync(world, new RequestExtension("inc-1", Department, TimeLimit.WorkingDays(2), "需协调环卫车辆", Handler, HandleDeadline.AddMinutes(2)), "inc-1");
        await ExecuteAsync(world, new DecideExtension("inc-1", Department, true, null, Center, HandleDeadline.AddMinutes(3)), "inc-1");
        var newDeadline = new DateTimeOffset(2026, 3, 5, 17, 30, 0, Cst);
        _clock.SetUtcNow(HandleDeadline.AddMinutes(4));
        await world.PassAsync();
        var overdueRow = (await world.Index.GetAlarmsAsync("inc-1", default)).Single(a => a.Level == AlarmLevel.Overdue);
        Assert.Equal(newDeadline, overdueRow.DueAt);

        _clock.SetUtcNow(newDeadline.AddSeconds(-1));
        await world.PassAsync();
        Assert.DoesNotContain(await world.AlarmsAsync("inc-1"), a => a.Level == AlarmLevel.Overdue && a.DueAt == newDeadline);
        _clock.SetUtcNow(newDeadline);
        await world.PassAsync();

        var overdues = (await world.AlarmsAsync("inc-1")).Where(a => a.Level == AlarmLevel.Overdue).Select(a => a.DueAt);
        Assert.Equal([HandleDeadline, newDeadline], overdues);
    }

    [Fact]
    public async Task GivenTheIndexFileIsDeleted_WhenRestarted_ThenItIsRebuiltFromTheLogWithoutFiringAgain()
    {
        var first = await StartAsync();
        await DispatchAsync(first, "inc-1");
        _clock.SetUtcNow(SignWarning);
        Assert.Equal(1, await first.PassAsync());
        await first.DisposeAsync();
        _world = null;
        foreach (var file in Directory.GetFiles(_folder, "deadlines.db*"))
        {
            File.Delete(file);
        }

        var second = await StartAsync();
        Assert.Equal(0, await second.PassAsync());
        Assert.Equal(await second.Store.GetHeadPositionAsync(), await second.Index.GetCheckpointAsync(default));
        Assert.Equal(3, (await second.Index.GetAlarmsAsync("inc-1", default)).Count);
        Assert.Single(await second.AlarmsAsync("inc-1"));
    }

    [Fact]
    public async Task GivenTheBackgroundLoop_WhenTheClockPassesTheDueTimes_ThenItWakesAndRaisesEachAlarmOnce()
    {
        var world = await StartAsync();
        await DispatchAsync(world, "inc-1");
        await world.Scheduler.StartAsync(default);
        await Until(async () => (await world.Index.GetAlarmsAsync("inc-1", default)).Count == 4);

        // Each move waits until the loop sleeps on its timer (see ManualTimeProvider.PendingTimers).
        await Until(() => Task.FromResult(_clock.PendingTimers > 0));
        _clock.SetUtcNow(SignWarning);
        await Until(async () => (await world.AlarmsAsync("inc-1")).Count == 1);
        await Until(async () => _clock.PendingTimers > 0 && await world.Index.GetCheckpointAsync(default) == await world.Store.GetHeadPositionAsync());
        _clock.SetUtcNow(SignDeadline);
        await Until(async () => (await world.AlarmsAsync("inc-1")).Count == 2);
        // Once the loop has indexed its own alarms, nothing is left due: no second raise can be on its way.
        await Until(async () => (await world.Index.GetDueAsync(_clock.GetUtcNow(), 10, default)).Count == 0
            && await world.Index.GetCheckpointAsync(default) == await world.Store.GetHeadPositionAsync());

        Assert.Equal([(DeadlineKind.Sign, AlarmLevel.Warning), (DeadlineKind.Sign, AlarmLevel.Overdue)], Kinds(await world.AlarmsAsync("inc-1")));
    }

    /// <summary>Waits for a condition the background loop brings about; the bound is a failure, not a timing.</summary>
    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The scheduler did not get there within 30 s.");
            await Task.Delay(20);
        }
    }
}
