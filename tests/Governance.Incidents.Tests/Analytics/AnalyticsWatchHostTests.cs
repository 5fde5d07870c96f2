using System.Net;
using Google.Protobuf;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Tests.Fixtures;
using Governance.Testing;
using Xunit;

namespace Governance.Incidents.Tests.Analytics;

/// <summary>
/// The two live views of the rates on the real standalone host (on the real clock): the WatchRates gRPC stream and the
/// server-sent events of /api/analytics/rates/watch. Each stream is read under a token that ends it after a minute,
/// so a stream that stays silent fails the test instead of hanging it.
/// </summary>
public sealed class AnalyticsWatchHostTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly HttpClient _grpcHttp = GrpcClient.CreateHttpClient(world.Host.GrpcAddress);
    private readonly HttpClient _http = LoopbackHttp.Create();

    private StandaloneHost Host => world.Host;

    public void Dispose()
    {
        _grpcHttp.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task GivenAWatchOnAGrid_WhenAReportIsMadeThere_ThenTheStreamSendsTheSheetAtOnceAndThenTheChangedOne()
    {
        var grid = world.Grids[200];
        var leader = Calls(Host.TokenFor("ld-watch", ActorRole.Leader, [DemoCounty.Code]));
        using var stop = new CancellationTokenSource(Patience);
        await using var stream = leader.WatchRates(new RateFilter { RegionCode = grid.Code }, stop.Token).GetAsyncEnumerator(stop.Token);

        var first = await NextAsync(stream);
        var report = (await Host.ReportAsync(Reports.At(grid.InteriorPoint, reporter: "wg-watch"))).Incident;
        WatchRatesResponse changed;
        do
        {
            changed = await NextAsync(stream);
        } while (changed.Rates.Reported == 0);
        await stop.CancelAsync();

        Assert.Equal((0L, 0L, 0L), (first.Rates.Reported, first.Rates.Open, first.Rates.Closure.Denominator));
        Assert.Equal((1L, 1L), (changed.Rates.Reported, changed.Rates.Open));
        Assert.True(changed.Position > first.Position, $"position {changed.Position} after {first.Position}");
        var reportedAt = (await Host.Store.ReadStreamAsync(StreamNames.Incident(report.IncidentId)))[0].Position;
        Assert.True(changed.Position >= reportedAt, $"position {changed.Position}, the report at {reportedAt}");
        // Each message is the sheet GetRates answers for the moment it was judged at.
        Assert.Equal((await leader.GetRates(new RateFilter { RegionCode = grid.Code, AsOf = first.AsOf })).Rates.Open, first.Rates.Open);
    }

    [Fact]
    public async Task GivenTheEventStreamRoute_WhenAPageOpensIt_ThenTheFirstDataEventIsTheSheetOfThatMomentInProtoJson()
    {
        var grid = world.Grids[300];
        var report = (await Host.ReportAsync(Reports.At(grid.InteriorPoint, reporter: "wg-sse"))).Incident;
        var leader = Calls(Host.TokenFor("ld-sse", ActorRole.Leader, [DemoCounty.Code]));
        await WaitForAnalyticsAsync(leader, (await Host.Store.ReadStreamAsync(StreamNames.Incident(report.IncidentId)))[^1].Position);
        using var stop = new CancellationTokenSource(Patience);

        WatchRatesResponse first;
        string contentType;
        using (var response = await leader.OpenEventStream(stop.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            contentType = response.Content.Headers.ContentType?.MediaType ?? "";
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            var line = await reader.ReadLineAsync(stop.Token);
            while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal))
            {
                line = await reader.ReadLineAsync(stop.Token);
            }
            Assert.NotNull(line);
            first = new JsonParser(JsonParser.Settings.Default).Parse<WatchRatesResponse>(line["data: ".Length..]);
            await stop.CancelAsync();
        }

        Assert.Equal("text/event-stream", contentType);
        Assert.True(first.Rates.Reported >= 1, first.ToString());
        var then = await leader.GetRates(new RateFilter { AsOf = first.AsOf });
        Assert.Equal(then.Rates, first.Rates);
    }

    private AnalyticsCalls Calls(string token) => new(Host, new GrpcClient(_grpcHttp), _http, token);

    /// <summary>Polls GetRates (bounded, generously) until the analytics store has reached the log position.</summary>
    private static async Task WaitForAnalyticsAsync(AnalyticsCalls caller, long position)
    {
        var deadline = DateTime.UtcNow + Patience;
        long reached;
        while ((reached = (await caller.GetRates()).Position) < position)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Analytics stayed at log position {reached}; the report was written at {position}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The next message; the stream's token ends the call if none comes in time.</summary>
    private static async Task<WatchRatesResponse> NextAsync(IAsyncEnumerator<WatchRatesResponse> stream)
    {
        try
        {
            Assert.True(await stream.MoveNextAsync(), "the watch ended");
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"The watch sent nothing more within {Patience.TotalSeconds} s.", e);
        }
        return stream.Current;
    }
}
