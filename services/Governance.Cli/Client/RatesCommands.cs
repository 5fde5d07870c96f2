using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Governance.Contracts.V1;

namespace Governance.Cli.Client;

/// <summary>
/// The AnalyticsService read commands: a region's rates table (GetRates), the same broken down and ranked by one rate
/// (GetRanking, with --by), or per day, week or month (GetTrend, with --trend). Dates without a time are midnight
/// China Standard Time, the calendar the rates are counted in.
/// </summary>
internal static class RatesCommands
{
    private static readonly Dictionary<string, RankingDimension> Dimensions = Options<RankingDimension>();
    private static readonly Dictionary<string, RateKind> Kinds = Options<RateKind>();
    private static readonly Dictionary<string, TrendPeriod> Periods = Options<TrendPeriod>();
    private static readonly Dictionary<string, Platform> Platforms = Options<Platform>();

    public static IEnumerable<Command> All() => [Rates()];

    private static Command Rates()
    {
        var region = new Option<string?>("--region") { Description = "The county, township, village or grid code; defaults to the token's own region." };
        var department = new Option<string?>("--department") { Description = "Only incidents led by this department (its own assignments for assignment rates)." };
        var category = new Option<string?>("--category") { Description = "Only this category code." };
        var platform = new Option<string?>("--platform") { Description = "Only categories of this platform (四平台)." }.AcceptOnlyFromAmong([.. Platforms.Keys]);
        var from = new Option<string?>("--from") { Description = "Window start, inclusive: 2026-11-01 (midnight CST) or an ISO 8601 time with offset." };
        var to = new Option<string?>("--to") { Description = "Window end, exclusive; defaults to --as-of." };
        var asOf = new Option<string?>("--as-of") { Description = "Judge the figures as at this moment; defaults to now." };
        var by = new Option<string?>("--by") { Description = "Break down and rank by this dimension." }.AcceptOnlyFromAmong([.. Dimensions.Keys]);
        var orderBy = new Option<string>("--order-by")
        {
            Description = "With --by: the rate to rank by (best first).",
            DefaultValueFactory = _ => Display.Option(RateKind.OnTimeClosure),
        }.AcceptOnlyFromAmong([.. Kinds.Keys]);
        var limit = new Option<int>("--limit") { Description = "With --by: show at most this many entries (0: all).", DefaultValueFactory = _ => 0 };
        var trend = new Option<string?>("--trend") { Description = "One row per period instead (needs --from and --to)." }.AcceptOnlyFromAmong([.. Periods.Keys]);
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("rates", "Print a region's rates (结案率, 按期结案率, 跨部门完成率 ...) as the analytics service counts them (GetRates, GetRanking, GetTrend).")
        {
            region, department, category, platform, from, to, asOf, by, orderBy, limit, trend, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var filter = new RateFilter
            {
                RegionCode = parseResult.GetValue(region) ?? "",
                DepartmentCode = parseResult.GetValue(department) ?? "",
                CategoryCode = parseResult.GetValue(category) ?? "",
                Platform = parseResult.GetValue(platform) is { } p ? Platforms[p] : Platform.Unspecified,
                From = Time(parseResult.GetValue(from), "--from"),
                To = Time(parseResult.GetValue(to), "--to"),
                AsOf = Time(parseResult.GetValue(asOf), "--as-of"),
            };
            var byValue = parseResult.GetValue(by);
            var trendValue = parseResult.GetValue(trend);
            if (byValue is not null && trendValue is not null)
            {
                throw new CliUsageException("--by and --trend are two different views; give one of them.");
            }
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            if (byValue is not null)
            {
                var ranking = await host.GetRankingAsync(new GetRankingRequest
                {
                    Filter = filter,
                    Dimension = Dimensions[byValue],
                    OrderBy = Kinds[parseResult.GetValue(orderBy)!],
                    Limit = parseResult.GetValue(limit),
                }, cancellationToken).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    output.Line(Display.Json(ranking));
                    return ExitCodes.Ok;
                }
                var table = new TableWriter("RANK", Display.Option(Dimensions[byValue]).ToUpperInvariant(), "DUE 应结案", "结案率", "按期结案率", "跨部门完成率", "处置率", "按时签收率", "退单率", "返工率", "OVERDUE 超期");
                foreach (var e in ranking.Entries)
                {
                    var r = e.Rates;
                    table.Add(e.Rank.ToString(CultureInfo.InvariantCulture), e.Key, Count(r.Closure.Denominator), Percent(r.Closure), Percent(r.OnTimeClosure),
                        Percent(r.CrossDepartmentClosure), Percent(r.Disposal), Percent(r.OnTimeSign), Percent(r.Return), Percent(r.Rework), Count(r.Overdue));
                }
                table.WriteTo(output.Out);
                output.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{ranking.Entries.Count} entries ranked by {parseResult.GetValue(orderBy)}, judged at {Display.Time(ranking.AsOf)}, log position {ranking.Position}"));
                return ExitCodes.Ok;
            }
            if (trendValue is not null)
            {
                var response = await host.GetTrendAsync(new GetTrendRequest { Filter = filter, Period = Periods[trendValue] }, cancellationToken).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    output.Line(Display.Json(response));
                    return ExitCodes.Ok;
                }
                var table = new TableWriter("FROM", "REPORTED", "DUE 应结案", "结案率", "按期结案率", "跨部门完成率", "处置率", "返工率");
                foreach (var point in response.Points)
                {
                    var r = point.Rates;
                    table.Add(Display.Time(point.From), Count(r.Reported), Count(r.Closure.Denominator), Percent(r.Closure), Percent(r.OnTimeClosure),
                        Percent(r.CrossDepartmentClosure), Percent(r.Disposal), Percent(r.Rework));
                }
                table.WriteTo(output.Out);
                output.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{response.Points.Count} periods, judged at {Display.Time(response.AsOf)}, log position {response.Position}"));
                return ExitCodes.Ok;
            }
            var rates = await host.GetRatesAsync(new GetRatesRequest { Filter = filter }, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(rates));
                return ExitCodes.Ok;
            }
            WriteSheet(output.Out, rates.Rates);
            output.Line(string.Create(CultureInfo.InvariantCulture, $"judged at {Display.Time(rates.AsOf)}, log position {rates.Position}"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteSheet(TextWriter output, RateSheet r)
    {
        var table = new TableWriter("INDICATOR", "指标", "COUNT", "OUT OF", "RATE");
        void Row(string name, string chinese, Ratio ratio) =>
            table.Add(name, chinese, Count(ratio.Numerator), Count(ratio.Denominator), Percent(ratio));
        Row("closure", "结案率", r.Closure);
        Row("on-time closure", "按期结案率", r.OnTimeClosure);
        Row("cross-department closure", "跨部门事件处置完成率", r.CrossDepartmentClosure);
        Row("cross-department on time", "跨部门按期结案率", r.CrossDepartmentOnTimeClosure);
        Row("disposal", "处置率", r.Disposal);
        Row("resolved locally", "镇村化解率", r.ResolvedLocally);
        Row("on-time sign", "按时签收率", r.OnTimeSign);
        Row("return", "退单率", r.Return);
        Row("rework", "返工率", r.Rework);
        table.WriteTo(output);
        output.WriteLine();
        var durations = new TableWriter("DURATION", "COUNT", "MEDIAN", "P90");
        void Duration(string name, DurationStats stats) =>
            durations.Add(name, Count(stats.Count), Span(stats.HasMedianSeconds ? stats.MedianSeconds : null), Span(stats.HasP90Seconds ? stats.P90Seconds : null));
        Duration("to dispatch 派遣用时", r.TimeToDispatch);
        Duration("to sign 签收用时", r.TimeToSign);
        Duration("to close 结案用时", r.TimeToClose);
        durations.WriteTo(output);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"now: {r.Open} open 在办, {r.Warned} warned 预警, {r.Overdue} overdue 超期, {r.Supervised} supervised 督办; {r.Reported} reported in the window"));
    }

    /// <summary>Two decimals, as the figures are published (96.16 %); a dash when nothing was due.</summary>
    private static string Percent(Ratio ratio) =>
        ratio.HasValue ? (ratio.Value * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %" : "-";

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Span(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "-";
        }
        var span = TimeSpan.FromSeconds(s);
        return span.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d {span.Hours}h {span.Minutes}m")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Hours}h {span.Minutes}m {span.Seconds}s");
    }

    private static Timestamp? Time(string? value, string option)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        value = value.Trim();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Timestamp.FromDateTimeOffset(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime));
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) && HasOffset(value))
        {
            return Timestamp.FromDateTimeOffset(time);
        }
        throw new CliUsageException($"{option} '{value}' is neither a date (2026-11-01) nor an ISO 8601 time with an offset (2026-11-01T08:00:00+08:00).");
    }

    /// <summary>A time without an offset is refused: read in the machine's zone it would shift the window by hours.</summary>
    private static bool HasOffset(string value) =>
        value.EndsWith('Z') || value.EndsWith('z') || value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':';

    private static Dictionary<string, TEnum> Options<TEnum>() where TEnum : struct, System.Enum =>
        System.Enum.GetValues<TEnum>().Where(v => Convert.ToInt32(v, CultureInfo.InvariantCulture) != 0)
            .ToDictionary(v => Display.Option(v), StringComparer.Ordinal);
}
