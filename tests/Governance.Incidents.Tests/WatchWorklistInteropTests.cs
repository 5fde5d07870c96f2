using System.Text.Json;
using Governance.Incidents.Tests.Fixtures;
using Governance.Incidents.Worklists;
using Governance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>
/// A dispatcher's screen built on @grpc/grpc-js: it watches the county centre's worklist while this test reports,
/// drops the connection, misses more reports, and resumes from the last position it saw. Its own host, so every
/// incident event in the log is one this test made.
/// </summary>
public sealed class WatchWorklistInteropTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private const double MetresPerDegree = 111_195.0;

    private static readonly string InteropDirectory = Path.Combine(RepositoryPaths.Root, "tests", "Governance.Incidents.Tests", "interop");

    [Fact]
    public async Task GivenAGrpcJsWatcher_WhenItDisconnectsAndResumesFromItsLastPosition_ThenItGetsExactlyTheChangesItMissed()
    {
        await NodeScript.EnsureInstalledAsync(InteropDirectory, "@grpc/grpc-js");
        var host = world.Host;
        var projection = host.Services.GetRequiredService<IncidentProjection>();
        var points = new[] { 700, 710, 720, 730, 740 }.Select(i => world.Grids[i].InteriorPoint).ToArray();
        // Each auto-dispatched report is three changes (enters, changes, leaves the centre's worklist); the likely
        // duplicate is two (enters; flagged) and stays.
        const int firstChanges = 3 * 3 + 2;
        const int secondChanges = 2 * 3;
        long headBeforeSecond = 0;

        async Task MakeChanges()
        {
            await WaitUntil(() => projection.SubscriberCount == 1, "the watcher to connect");
            for (var i = 0; i < 3; i++)
            {
                await host.ReportAsync(Reports.At(points[i], reporter: "wg-watch"));
            }
            var duplicate = (await host.ReportAsync(Reports.At(Reports.Point(points[0].Longitude, points[0].Latitude + 20 / MetresPerDegree),
                reporter: "wg-watch-2"))).Incident;
            Assert.NotEqual("", duplicate.LikelyDuplicateOfIncidentId);
            await WaitUntil(() => projection.SubscriberCount == 0, "the watcher to disconnect");
            headBeforeSecond = await host.Store.GetHeadPositionAsync();
            for (var i = 3; i < 5; i++)
            {
                await host.ReportAsync(Reports.At(points[i], reporter: "wg-watch"));
            }
        }

        var (exitCode, stdout, stderr) = await NodeScript.RunAsync(InteropDirectory, "node",
            ["watch.js", $"127.0.0.1:{host.GrpcAddress.Port}", RepositoryPaths.Proto, host.CountyCenterToken, $"{firstChanges}", $"{secondChanges}"],
            TimeSpan.FromSeconds(90), MakeChanges);

        Assert.True(exitCode == 0, $"node exited with {exitCode}:\n{stdout}\n{stderr}");
        var result = JsonDocument.Parse(stdout.Trim()).RootElement;
        var first = Changes(result.GetProperty("first"));
        var second = Changes(result.GetProperty("second"));
        var resumedAfter = result.GetProperty("resumed_after").GetInt64();

        // Every incident event of the log, in order, is one change: first the ones seen live, then exactly the missed ones.
        var log = await host.Store.ReadCategoryAsync(IncidentProjection.Category, 0, 1000);
        Assert.Equal(log.Where(e => e.Position <= headBeforeSecond).Select(e => (e.Position, e.Type)), first.Select(c => (c.Position, c.Type)));
        Assert.Equal(first[^1].Position, resumedAfter);
        Assert.Equal(log.Where(e => e.Position > resumedAfter).Select(e => (e.Position, e.Type)), second.Select(c => (c.Position, c.Type)));
        Assert.Equal(firstChanges, first.Count);
        Assert.Equal(secondChanges, second.Count);
        Assert.All(first.Concat(second), c => Assert.Equal(c.Type != "incident.dispatched.v1", c.InWorklist));
        Assert.Equal("INCIDENT_STATE_DISPATCHED", second[^1].State);
    }

    private sealed record Change(long Position, string Type, bool InWorklist, string IncidentId, string State);

    private static List<Change> Changes(JsonElement array) =>
        [.. array.EnumerateArray().Select(c => new Change(c.GetProperty("position").GetInt64(), c.GetProperty("event_type").GetString()!,
            c.GetProperty("in_worklist").GetBoolean(), c.GetProperty("incident_id").GetString()!, c.GetProperty("state").GetString()!))];

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }
            await Task.Delay(20);
        }
    }
}
