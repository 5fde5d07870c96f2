using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Tests.Fixtures;
using Governance.Incidents.Worklists;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Incidents.Tests.Worklists;

/// <summary>
/// A watcher that stops reading must not hold up the projection: once its buffer is full its stream ends with
/// RESOURCE_EXHAUSTED naming the position to resume from, and resuming there gives the changes it had not received.
/// </summary>
public sealed class WatchOverflowTests
{
    [Fact]
    public async Task GivenAWatcherThatStopsReading_WhenManyChangesFollow_ThenItsStreamEndsWithResourceExhaustedAndTheResumePosition()
    {
        await using var host = await StandaloneHost.StartAsync(settings: ["--Incidents:WatchBufferCapacity=4"]);
        var grids = await host.ListGridsAsync();
        var projection = host.Services.GetRequiredService<IncidentProjection>();
        var head = await host.Store.GetHeadPositionAsync();
        var method = GovernanceServices.WorklistService.Method("WatchWorklist");
        var watch = host.Client.ServerStreamingAsync<WatchWorklistRequest, WatchWorklistResponse>(method, new WatchWorklistRequest { AfterPosition = head })
            .GetAsyncEnumerator();
        var first = watch.MoveNextAsync().AsTask();
        var waited = DateTime.UtcNow.AddSeconds(20);
        while (projection.SubscriberCount == 0 && DateTime.UtcNow < waited)
        {
            await Task.Delay(20);
        }
        Assert.Equal(1, projection.SubscriberCount);

        // Reports of a category that waits for the center, each a change in the center's worklist; the watcher reads
        // one and then nothing, so HTTP/2 flow control stops the server's writes and the buffer behind them fills.
        async Task ReportMany(int count)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            {
                var grid = grids[i % grids.Count];
                await host.ReportAsync(Reports.At(grid.InteriorPoint, "SG-0102", reporter: "wg-flood-" + (i % 50)));
            });
        }
        await ReportMany(1);
        Assert.True(await first);
        var received = new List<long> { watch.Current.Position };
        await ReportMany(1500);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.MoveNextAsync())
            {
                received.Add(watch.Current.Position);
            }
        });
        await watch.DisposeAsync();

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"after_position = {received[^1]}", error.Detail);
        Assert.Equal(received.OrderBy(p => p), received);
        // The projection went on: every report is in it, and the watcher is gone.
        await projection.WaitForPositionAsync(await host.Store.GetHeadPositionAsync(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, projection.SubscriberCount);

        // Resuming at the position named gets what the watcher had not received, starting right after it.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var resumed = host.Client.ServerStreamingAsync<WatchWorklistRequest, WatchWorklistResponse>(method,
            new WatchWorklistRequest { AfterPosition = received[^1] }, new CallOptions(CancellationToken: cancel.Token)).GetAsyncEnumerator();
        Assert.True(await resumed.MoveNextAsync());
        Assert.True(resumed.Current.Position > received[^1]);
        Assert.Equal("incident.reported.v1", resumed.Current.EventType);
    }
}
