using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Governance.Incidents.Publishing;
using Governance.Incidents.Storage;
using Xunit;
using static Governance.Incidents.Tests.Publishing.LifeHistory;
using C = Governance.Contracts.V1;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>The log read back as incident-life events, on a real SQLite store: what the relay and a rebuild both run.</summary>
public sealed class IncidentLifeReaderTests : IAsyncLifetime
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "governance-tests", "reader-" + Guid.NewGuid().ToString("N"));
    private SqliteEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = Path.Combine(_folder, "events.db") });
        await _store.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Two incidents' lives written interleaved, one step per append, with a registry event in between.</summary>
    private async Task<(LifeHistory First, LifeHistory Second)> GivenTwoInterleavedIncidentsAsync()
    {
        var first = Reported().Registered().Dispatched(Cgj)
            .Then(at => new ProgressReported(Id, Cgj, "已联系保洁公司", [], Handler, at))
            .Signed(Cgj).Handled(Cgj);
        var second = Reported(inGrid: false).Registered().Dispatched(Sjj);
        var streams = new DomainStreams(_store);
        var metadata = new EventMetadata("app", "127.0.0.1", TraceParent);
        for (var i = 0; i < Math.Max(first.Events.Count, second.Events.Count); i++)
        {
            if (i < first.Events.Count)
            {
                await streams.AppendAsync(StreamNames.Incident("a"), i, [WithId(first.Events[i], "a")], metadata, default);
            }
            if (i == 1)
            {
                await _store.AppendAsync("region-330290", 0, [new EventData(Guid.NewGuid(), "region.noted.v1", "{}"u8.ToArray())]);
            }
            if (i < second.Events.Count)
            {
                await streams.AppendAsync(StreamNames.Incident("b"), i, [WithId(second.Events[i], "b")], EventMetadata.None, default);
            }
        }
        return (first, second);
    }

    /// <summary>The same event on another incident id (the history builder writes one fixed id).</summary>
    private static IIncidentEvent WithId(IIncidentEvent @event, string id)
    {
        var json = System.Text.Encoding.UTF8.GetString(EventSerializer.Serialize(@event)).Replace($"\"{Id}\"", $"\"{id}\"", StringComparison.Ordinal);
        return (IIncidentEvent)EventSerializer.Deserialize(DomainEventTypes.NameOf(@event), System.Text.Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public async Task GivenTwoInterleavedIncidents_WhenReadFromTheStart_ThenEachPublishedStepComesInLogOrderWithItsStoredIdAndTrace()
    {
        await GivenTwoInterleavedIncidentsAsync();
        var stored = await _store.ReadCategoryAsync("incident", 0, 100);

        var page = await new IncidentLifeReader(_store).ReadPageAsync(0, 100, default);

        Assert.Equal(stored.Count, page.RecordsRead);
        Assert.Equal(stored[^1].Position, page.LastPosition);
        var published = stored.Where(r => r.Type != ProgressReported.EventType).ToList();
        Assert.Equal(published.Select(r => (r.EventId.ToString(), r.Position, r.Version)),
            page.Events.Select(e => (e.Event.EventId, e.Event.Position, e.Event.IncidentVersion)));
        Assert.Equal(
            ["a", "b", "a", "b", "a", "b", "a", "a"],
            page.Events.Select(e => e.Event.IncidentId));
        Assert.All(page.Events.Where(e => e.Event.IncidentId == "a"), e => Assert.Equal(TraceParent, e.TraceParent));
        Assert.All(page.Events.Where(e => e.Event.IncidentId == "b"), e => Assert.Null(e.TraceParent));
        var handled = page.Events[^1].Event;
        Assert.Equal((C.IncidentLifeEvent.ChangeOneofCase.Handled, 6L, C.IncidentState.Handled),
            (handled.ChangeCase, handled.Incident.Version, handled.Incident.State));
    }

    [Fact]
    public async Task GivenNoRoomForStates_WhenReadInSmallPages_ThenEveryStepIsFoldedFromItsStreamToTheSameMessages()
    {
        await GivenTwoInterleavedIncidentsAsync();
        var cached = await new IncidentLifeReader(_store).ReadPageAsync(0, 100, default);

        var pages = new List<IncidentLifePage>();
        await foreach (var page in new IncidentLifeReader(_store, stateCacheCapacity: 0).ReadAllAsync(0, 2, default))
        {
            pages.Add(page);
        }

        Assert.All(pages.SkipLast(1), p => Assert.Equal(2, p.RecordsRead));
        Assert.Equal(cached.Events.Select(e => e.Event), pages.SelectMany(p => p.Events).Select(e => e.Event));
        Assert.Equal(cached.LastPosition, pages[^1].LastPosition);
    }

    [Fact]
    public async Task GivenAnEventThisBuildCannotRead_WhenRead_ThenThePageEndsBeforeItAndTheNextReadFailsThereNamingItsPosition()
    {
        var history = Reported().Registered();
        var streams = new DomainStreams(_store);
        await streams.AppendAsync(StreamNames.Incident(Id), 0, [history.Events[0]], EventMetadata.None, default);
        var unreadable = await _store.AppendAsync(StreamNames.Incident(Id), 1, [new EventData(Guid.NewGuid(), "incident.teleported.v1", "{}"u8.ToArray())]);
        await streams.AppendAsync(StreamNames.Incident("inc-8"), 0, [history.Events[0]], EventMetadata.None, default);
        var reader = new IncidentLifeReader(_store);

        var before = await reader.ReadPageAsync(0, 100, default);
        var error = await Assert.ThrowsAsync<IncidentLifeReadException>(() => reader.ReadPageAsync(before.LastPosition, 100, default));

        Assert.Equal((1, unreadable.LastPosition - 1, true), (before.RecordsRead, before.LastPosition, before.StoppedShort));
        Assert.Equal(Id, Assert.Single(before.Events).Event.IncidentId);
        Assert.Equal((unreadable.LastPosition, "incident.teleported.v1"), (error.Position, error.Type));
        Assert.Contains("incident.teleported.v1", error.Message);
        var pages = new List<IncidentLifePage>();
        await Assert.ThrowsAsync<IncidentLifeReadException>(async () =>
        {
            await foreach (var page in new IncidentLifeReader(_store).ReadAllAsync(0, 100, default))
            {
                pages.Add(page);
            }
        });
        Assert.Equal(before.LastPosition, Assert.Single(pages).LastPosition);
    }
}
