using System.Globalization;
using System.Text.RegularExpressions;
using Governance.Cli.Tests.Fixtures;
using Governance.Cli.Tests.Support;
using Governance.Contracts.V1;

namespace Governance.Cli.Tests;

/// <summary>
/// `governance rates` against a real host after the three reports of <see cref="HostWithThreeCliReports"/>: the
/// county's sheet, the ranking by township, the daily trend and the JSON, each with the figures those reports make;
/// and the command lines it refuses, before any call or as the server's INVALID_ARGUMENT.
/// </summary>
public sealed class RatesCommandTests(HostWithThreeCliReports world) : IClassFixture<HostWithThreeCliReports>
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    [Fact]
    public async Task GivenThreeReports_WhenRatesIsRun_ThenTheTableShowsOneCaseDueAndClosedOnTimeTwoOpenAndThreeReported()
    {
        var run = await RatesAsync();

        Assert.Matches(@"(?m)^INDICATOR +指标 +COUNT +OUT OF +RATE$", run.Out);
        Assert.Matches(@"(?m)^closure +结案率 +1 +1 +100\.00 %$", run.Out);
        Assert.Matches(@"(?m)^on-time closure +按期结案率 +1 +1 +100\.00 %$", run.Out);
        Assert.Matches(@"(?m)^cross-department closure +跨部门事件处置完成率 +0 +0 +-$", run.Out);
        // The garbage's assignment is not due yet; it is the only one dispatched, and was not returned.
        Assert.Matches(@"(?m)^disposal +处置率 +0 +0 +-$", run.Out);
        Assert.Matches(@"(?m)^resolved locally +镇村化解率 +1 +1 +100\.00 %$", run.Out);
        Assert.Matches(@"(?m)^on-time sign +按时签收率 +0 +0 +-$", run.Out);
        Assert.Matches(@"(?m)^return +退单率 +0 +1 +0\.00 %$", run.Out);
        Assert.Matches(@"(?m)^rework +返工率 +0 +0 +-$", run.Out);
        // Dispatched on report: no time at all; the resolved one closed some seconds after its report.
        Assert.Matches(@"(?m)^to dispatch 派遣用时 +1 +0h 0m 0s +0h 0m 0s$", run.Out);
        Assert.Matches(@"(?m)^to sign 签收用时 +0 +- +-$", run.Out);
        Assert.Matches(@"(?m)^to close 结案用时 +1 +\dh \d+m \d+s +\dh \d+m \d+s$", run.Out);
        Assert.Contains("now: 2 open 在办, 0 warned 预警, 0 overdue 超期, 0 supervised 督办; 3 reported in the window", run.Out, StringComparison.Ordinal);
        Assert.True(PositionOf(run) >= world.Position, run.ToString());
    }

    [Fact]
    public async Task GivenThreeReports_WhenRatesIsRunByTownship_ThenTheTownshipWithTheClosedCaseRanksFirstAndTheOtherHasNoRateYet()
    {
        var run = await RatesAsync("--by", "township");

        Assert.Matches(@"(?m)^RANK +TOWNSHIP +DUE 应结案 +结案率 +按期结案率 +跨部门完成率 +处置率 +按时签收率 +退单率 +返工率 +OVERDUE 超期$", run.Out);
        Assert.Matches($@"(?m)^1 +{world.TownshipX} +1 +100\.00 % +100\.00 % +- +- +- +- +- +0$", run.Out);
        Assert.Matches($@"(?m)^2 +{world.TownshipY} +0 +- +- +- +- +- +0\.00 % +- +0$", run.Out);
        Assert.Matches(@"(?m)^2 entries ranked by on-time-closure, judged at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00, log position \d+$", run.Out);
    }

    [Fact]
    public async Task GivenThreeReports_WhenRatesIsRunAsADailyTrend_ThenEachDayShowsWhatWasReportedAndDueOnIt()
    {
        var day = Day(world.Incidents[0].ReportedAt);
        var from = day.AddDays(-1);
        var to = day.AddDays(2);

        var run = await RatesAsync("--trend", "day", "--from", Date(from), "--to", Date(to));

        Assert.Matches(@"(?m)^FROM +REPORTED +DUE 应结案 +结案率 +按期结案率 +跨部门完成率 +处置率 +返工率$", run.Out);
        // Counted from the stored times, so a run across midnight (China Standard Time) counts each on its own day.
        var closedOn = Day(world.Incidents[0].ClosedAt);
        for (var d = from; d < to; d = d.AddDays(1))
        {
            var reported = world.Incidents.Count(i => Day(i.ReportedAt) == d);
            var rate = d == closedOn ? @"100\.00 %" : "-";
            Assert.Matches($@"(?m)^{Date(d)} 00:00:00 \+08:00 +{reported} +{(d == closedOn ? 1 : 0)} +{rate} +{rate} +- +- +-$", run.Out);
        }
        Assert.Matches(@"(?m)^3 periods, judged at ", run.Out);
    }

    [Fact]
    public async Task GivenThreeReports_WhenRatesIsRunWithJson_ThenItPrintsTheResponseTheServiceGivesForThatMoment()
    {
        var run = await RatesAsync("--json");

        var printed = Google.Protobuf.JsonParser.Default.Parse<GetRatesResponse>(run.Out);
        Assert.Equal((3L, 1L, 1L, 2L), (printed.Rates.Reported, printed.Rates.Closure.Numerator, printed.Rates.Closure.Denominator, printed.Rates.Open));
        Assert.Equal((await world.GetRatesAsync(new RateFilter { AsOf = printed.AsOf })).Rates, printed.Rates);
        // Default values are printed too: a count of nothing is there as "0", not left out.
        Assert.Contains("\"overdue\": \"0\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenATrendWithoutItsSpanOrAGridWorkersToken_WhenRatesIsRun_ThenTheServersRefusalIsPrintedWithItsExitCode()
    {
        var noSpan = await GovernanceCli.RunAsync("rates", "--trend", "week", "--address", world.Address, "--token", world.LeaderToken);
        var worker = await GovernanceCli.RunAsync("rates", "--address", world.Address, "--token", await world.TokenAsync("wg-rates-3", "grid_worker", world.TownshipX));

        Assert.Equal(ExitCodes.InvalidArgument, noSpan.ExitCode);
        Assert.Equal("error: INVALID_ARGUMENT: A trend needs both ends of its span: give from and to.", noSpan.Err.Trim());
        Assert.Equal(ExitCodes.Failure, worker.ExitCode);
        Assert.StartsWith("error: PERMISSION_DENIED: the role grid_worker reads no rates", worker.Err, StringComparison.Ordinal);
        Assert.Equal("", noSpan.Out + worker.Out);
    }

    [Theory]
    [InlineData("'county'", "--by", "county")]
    [InlineData("'speed'", "--order-by", "speed", "--by", "township")]
    [InlineData("'year'", "--trend", "year", "--from", "2026-11-01", "--to", "2026-12-01")]
    [InlineData("'police'", "--platform", "police")]
    [InlineData("--by and --trend are two different views", "--by", "township", "--trend", "day")]
    [InlineData("--from '2026-11-01T08:00:00' is neither a date", "--from", "2026-11-01T08:00:00")]
    public async Task GivenABadOption_WhenRatesIsRun_ThenItIsAUsageErrorBeforeAnyCallNamingWhatIsWrong(string named, params string[] args)
    {
        // No host listens at this address: a usage error must come before any attempt to call.
        var run = await GovernanceCli.RunAsync(["rates", .. args, "--address", "http://127.0.0.1:9", "--token", "any.token.here"]);

        Assert.Equal(ExitCodes.InvalidArgument, run.ExitCode);
        Assert.Contains(named, run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:9", run.Err, StringComparison.Ordinal);
    }

    private Task<CliRun> RatesAsync(params string[] args) =>
        GovernanceCli.SucceedAsync(["rates", .. args, "--address", world.Address, "--token", world.LeaderToken]);

    private static long PositionOf(CliRun run) =>
        long.Parse(Regex.Match(run.Out, @"log position (\d+)\s*$").Groups[1].Value, CultureInfo.InvariantCulture);

    private static DateOnly Day(Google.Protobuf.WellKnownTypes.Timestamp time) => DateOnly.FromDateTime(time.ToDateTimeOffset().ToOffset(ChinaStandardTime).DateTime);

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
