using System.Globalization;
using Google.Protobuf.Reflection;
using Governance.Contracts.V1;

namespace Governance.Analytics.Rates;

/// <summary>
/// Every rate of DOMAIN.md ("The numbers leaders watch") over the incidents' facts, for one slice and window, broken
/// down for a ranking, or per period for a trend. Pure: the facts and the moment are given; nothing is read or kept.
/// One pass over the incidents answers each call, whatever the number of groups or periods. It counts over the
/// compact rows of an <see cref="IncidentTable"/>: a projection's snapshot is one already (a county-year of 800,000
/// incidents takes about 45 ms a sheet on a 2-core machine); any other sequence of facts is turned into one first.
/// </summary>
/// <remarks>
/// <para>The counting rules are those of proto/governance/v1/analytics.proto, implemented as follows. The window is
/// [from, t) with t = min(to, as_of) (from unset: the beginning of time; to unset: as_of). A moment lies "in the
/// window" when from ≤ moment &lt; t, and something happened "by t" when its time is before t.</para>
/// <list type="bullet">
/// <item>Cases: every incident except rejected and merged ones (they have no deadline or assignment anyway). Only
/// <c>reported</c> counts those two.</item>
/// <item>Due (应结案): a case is due at the earlier of its closed_at and its handle_deadline; one with neither (never
/// dispatched, open) is not yet due; one closed without a deadline (resolved on the spot) is due when closed.
/// Closure: due in the window and closed by t. On time: closed, and closed_at ≤ handle_deadline (closed exactly at
/// the deadline is on time) or it never had a deadline.</item>
/// <item>Cross-department: the same two rates over cases that, by t, had assignments of two or more departments
/// (assistants, or a return and re-dispatch elsewhere); a second department added after t does not re-label a
/// window already judged.</item>
/// <item>Disposal (处置率): an assignment is due at the earlier of handled_at and its handle_deadline; left out when
/// returned by t, or withdrawn by t without having been handled. Handled: handled_at before t.</item>
/// <item>On-time sign (按时签收率): an assignment is due at the earlier of accepted_at and its sign_deadline; on time
/// when accepted_at ≤ sign_deadline. A returned assignment that was never signed counts as not signed on time
/// (DOMAIN.md divides by all assignments); one withdrawn unsigned before its sign deadline is left out, and one
/// withdrawn unsigned after it counts as not signed on time.</item>
/// <item>Resolved locally (镇村化解率): cases closed in the window, and of those the ones never escalated to the
/// county. A case that went straight to the county centre (reported outside every grid) was not escalated and counts
/// as resolved locally: DOMAIN.md defines the rate by escalation alone.</item>
/// <item>Rework (返工率): verifications made in the window, and of those the failed ones.</item>
/// <item>Return (退单率): assignments dispatched in the window, and of those the ones returned by t.</item>
/// <item>Durations: report → first dispatch (cases first dispatched in the window), dispatch → accepted_at per
/// assignment (signed in the window), report → closed_at (cases closed in the window). Nearest rank: the p-th
/// percentile is the value of 1-based rank ⌈p/100 · n⌉; so the median of an even count is the lower middle value.</item>
/// <item>Live counts, as at as_of, whatever the window: open = cases reported at or before as_of and not closed at or
/// before it; overdue = open with handle_deadline ≤ as_of (the moment the 超期 alarm fires); warned = open with
/// handle_warning_at ≤ as_of &lt; handle_deadline; supervised = open and urged on at least once.</item>
/// </list>
/// <para>Readings the facts force. IncidentFacts is the incident as it stands now, so a window judged in the past
/// sees the current deadlines (an extension approved after t moves a deadline of that window too), the current
/// handled_at of a reworked assignment (the last report, not the first), the current supervision count, and today's
/// rejected or merged state. Withdrawals happen only at a re-dispatch that no longer names the department, or at a
/// reopen; facts published before withdrawn_at existed are read as withdrawn when dispatched.</para>
/// <para>Slicing: the region code matches the most specific region code of the incident (grid, else village, else
/// township, else county) by prefix; the department is the lead (主办) for incident figures and live counts, and the
/// assignment's own department for assignment figures (disposal, on-time sign, return, time to sign); an empty code
/// or <see cref="Platform.Unspecified"/> does not filter, as in the contract.</para>
/// <para>Rankings: each entry's sheet is exactly what <see cref="Compute"/> gives for the slice narrowed to the key
/// (for departments, the department filter). Incidents without the level (a township, village or grid code, or a
/// platform) are left out. Best first: highest value, lowest for rework and return; values are compared exactly (as
/// fractions); equal values share a place (1, 2, 2, 4); entries without a value come last and share the place after
/// the others; within a place, by key. Trends: periods of China Standard Time (UTC+8, no daylight saving), days,
/// ISO weeks from Monday, calendar months; from is widened back to its period's start and to forward to its period's
/// end; each point's sheet is exactly what <see cref="Compute"/> gives for that period as the window, so its live
/// counts are those at as_of.</para>
/// </remarks>
public static class RateEngine
{
    /// <summary>The most periods one trend may have: about two and three-quarter years of days.</summary>
    public const int MaxTrendPeriods = 1000;

    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private static readonly EnumDescriptor PlatformDescriptor =
        CommonReflection.Descriptor.EnumTypes.Single(e => e.Name == nameof(Platform));

    /// <summary>Every rate and live count of the slice's window, judged at min(to, <paramref name="asOf"/>).</summary>
    /// <param name="incidents">The incidents' facts, each once.</param>
    /// <param name="slice">Which incidents, and the window.</param>
    /// <param name="asOf">The moment the figures are judged at.</param>
    /// <exception cref="ArgumentException">The slice's window or region code is malformed.</exception>
    public static RateSheet Compute(IEnumerable<IncidentFacts> incidents, RateSlice slice, DateTimeOffset asOf)
    {
        var windows = SingleWindow(slice, asOf);
        var table = IncidentTable.Of(incidents);
        var filter = SliceFilter.Of(slice, table.Codes);
        var grouping = new WholeSlice(new RateGroup(windows), filter);
        Scan(table, filter, grouping, Moments.Of(asOf));
        return grouping.Group.Buckets[0].ToSheet(grouping.Group.Live);
    }

    /// <summary>
    /// The slice broken down by <paramref name="dimension"/>, best first by <paramref name="orderBy"/>; at most
    /// <paramref name="limit"/> entries (0: all).
    /// </summary>
    /// <param name="incidents">The incidents' facts, each once.</param>
    /// <param name="slice">Which incidents, and the window.</param>
    /// <param name="dimension">What to break the slice down by.</param>
    /// <param name="orderBy">The rate that orders the entries.</param>
    /// <param name="limit">At most this many entries; 0 for all.</param>
    /// <param name="asOf">The moment the figures are judged at.</param>
    /// <exception cref="ArgumentException">An unspecified dimension or rate, a negative limit, or a malformed slice.</exception>
    public static IReadOnlyList<RankingEntry> Rank(IEnumerable<IncidentFacts> incidents, RateSlice slice, RankingDimension dimension,
        RateKind orderBy, int limit, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (dimension is < RankingDimension.Township or > RankingDimension.Platform)
        {
            throw new ArgumentException(
                $"A ranking needs a dimension: township, village, grid, department, category or platform (got {dimension}).", nameof(dimension));
        }
        if (orderBy is < RateKind.Closure or > RateKind.Return)
        {
            throw new ArgumentException(
                $"A ranking needs a rate to order by: closure, on-time closure, cross-department closure or on-time closure, disposal, " +
                $"resolved locally, rework, on-time sign or return (got {orderBy}).", nameof(orderBy));
        }
        if (limit < 0)
        {
            throw new ArgumentException($"The limit must be 0 (all entries) or more; got {limit}.", nameof(limit));
        }
        var windows = SingleWindow(slice, asOf);
        var table = IncidentTable.Of(incidents);
        var filter = SliceFilter.Of(slice, table.Codes);
        var grouping = new ByKey(windows, dimension, filter, table.Codes);
        Scan(table, filter, grouping, Moments.Of(asOf));

        var lowerIsBetter = orderBy is RateKind.Rework or RateKind.Return;
        var entries = grouping.Groups
            .Select(g => (g.Key, Sheet: g.Buckets[0].ToSheet(g.Live)))
            .Select(e => (e.Key, e.Sheet, Ratio: RatioOf(e.Sheet, orderBy)))
            .ToList();
        entries.Sort((a, b) =>
        {
            var byValue = CompareForRanking(a.Ratio, b.Ratio, lowerIsBetter);
            return byValue != 0 ? byValue : string.CompareOrdinal(a.Key, b.Key);
        });

        var ranked = new List<RankingEntry>(limit == 0 ? entries.Count : Math.Min(limit, entries.Count));
        var place = 0;
        for (var i = 0; i < entries.Count && (limit == 0 || i < limit); i++)
        {
            if (i == 0 || CompareForRanking(entries[i - 1].Ratio, entries[i].Ratio, lowerIsBetter) != 0)
            {
                place = i + 1;
            }
            ranked.Add(new RankingEntry { Key = entries[i].Key, Rank = place, Rates = entries[i].Sheet });
        }
        return ranked;
    }

    /// <summary>
    /// The slice's rates per period of China Standard Time, oldest first. The slice's from and to are required and
    /// are widened to whole periods; each period is judged at min(its end, <paramref name="asOf"/>).
    /// </summary>
    /// <param name="incidents">The incidents' facts, each once.</param>
    /// <param name="slice">Which incidents, and the span of the trend (from and to required).</param>
    /// <param name="period">Days, ISO weeks or months.</param>
    /// <param name="asOf">The moment the figures are judged at.</param>
    /// <exception cref="ArgumentException">An unspecified period, a missing or inverted span, more than
    /// <see cref="MaxTrendPeriods"/> periods, or a malformed slice.</exception>
    public static IReadOnlyList<TrendPoint> Trend(IEnumerable<IncidentFacts> incidents, RateSlice slice, TrendPeriod period, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        ArgumentNullException.ThrowIfNull(slice);
        if (period is < TrendPeriod.Day or > TrendPeriod.Month)
        {
            throw new ArgumentException($"A trend needs a period: day, week or month (got {period}).", nameof(period));
        }
        if (slice.From is not { } from || slice.To is not { } to)
        {
            throw new ArgumentException("A trend needs both ends of its span: give from and to.", nameof(slice));
        }
        var windows = Periods(from, to, period, Moments.Of(asOf));
        var table = IncidentTable.Of(incidents);
        var filter = SliceFilter.Of(slice, table.Codes);
        var grouping = new WholeSlice(new RateGroup(windows), filter);
        Scan(table, filter, grouping, Moments.Of(asOf));

        var points = new List<TrendPoint>(windows.Count);
        for (var i = 0; i < windows.Count; i++)
        {
            points.Add(new TrendPoint
            {
                From = Moments.ToTimestamp(windows.Starts[i]),
                To = Moments.ToTimestamp(windows.Starts[i + 1]),
                Rates = grouping.Group.Buckets[i].ToSheet(grouping.Group.Live),
            });
        }
        return points;
    }

    /// <summary>
    /// The one pass: each incident's figures go to the window (and group) they fall in. Facts that are not already a
    /// projection's table are first turned into one, so every caller is counted by the same code over the same rows.
    /// </summary>
    private static void Scan(IncidentTable table, SliceFilter filter, Grouping grouping, long asOf)
    {
        for (var chunk = 0; chunk < table.ChunkCount; chunk++)
        {
            foreach (ref readonly var incident in table.RowsOf(chunk))
            {
                if (!filter.Admits(in incident))
                {
                    continue;
                }
                if (grouping.ForIncident(in incident) is { } group)
                {
                    AddIncident(in incident, group, asOf);
                }
                if (incident.IsCase && incident.Assignments is { } assignments)
                {
                    foreach (ref readonly var assignment in assignments.AsSpan())
                    {
                        if (grouping.ForAssignment(in incident, in assignment) is { } assignmentGroup)
                        {
                            AddAssignment(in assignment, assignmentGroup);
                        }
                    }
                }
            }
        }
    }

    private static void AddIncident(in CompactIncident incident, RateGroup group, long asOf)
    {
        var reported = incident.Reported;
        if (group.Find(reported) is { } reportedIn)
        {
            reportedIn.Reported++;
        }
        if (!incident.IsCase)
        {
            return;
        }

        var closed = incident.Closed;
        var deadline = incident.Deadline;
        var due = Math.Min(closed, deadline);
        if (due != Moments.None && group.Find(due) is { } dueIn)
        {
            dueIn.Due++;
            var isClosed = closed < dueIn.Until;
            var onTime = isClosed && (deadline == Moments.None || closed <= deadline);
            if (isClosed)
            {
                dueIn.Closed++;
            }
            if (onTime)
            {
                dueIn.ClosedOnTime++;
            }
            if (incident.CrossDepartment && CrossDepartmentBy(in incident, dueIn.Until))
            {
                dueIn.CrossDue++;
                if (isClosed)
                {
                    dueIn.CrossClosed++;
                }
                if (onTime)
                {
                    dueIn.CrossClosedOnTime++;
                }
            }
        }
        if (closed != Moments.None && group.Find(closed) is { } closedIn)
        {
            closedIn.ClosedInWindow++;
            if (!incident.Escalated)
            {
                closedIn.ClosedLocally++;
            }
            closedIn.ToClose.Add(closed - reported);
        }
        var dispatched = incident.FirstDispatched;
        if (dispatched != Moments.None && group.Find(dispatched) is { } dispatchedIn)
        {
            dispatchedIn.ToDispatch.Add(dispatched - reported);
        }
        if (incident.Verifications is { } verifications)
        {
            foreach (var verification in verifications)
            {
                if (group.Find(verification.At) is { } verifiedIn)
                {
                    verifiedIn.Verifications++;
                    if (!verification.Passed)
                    {
                        verifiedIn.FailedVerifications++;
                    }
                }
            }
        }

        if (reported <= asOf && !(closed <= asOf))
        {
            var live = group.Live;
            live.Open++;
            if (deadline <= asOf)
            {
                live.Overdue++;
            }
            else if (incident.Warning <= asOf)
            {
                live.Warned++;
            }
            if (incident.Supervised)
            {
                live.Supervised++;
            }
        }
    }

    private static void AddAssignment(in CompactAssignment assignment, RateGroup group)
    {
        var dispatched = assignment.Dispatched;
        var returned = assignment.Returned;
        if (group.Find(dispatched) is { } dispatchedIn)
        {
            dispatchedIn.AssignmentsDispatched++;
            if (returned < dispatchedIn.Until)
            {
                dispatchedIn.AssignmentsReturned++;
            }
        }

        var handled = assignment.Handled;
        var withdrawn = assignment.Withdrawn;
        var disposalDue = Math.Min(handled, assignment.HandleDeadline);
        // Left out of a window judged at t when returned by t, or withdrawn by t without having been handled.
        if (disposalDue != Moments.None && group.Find(disposalDue) is { } dueIn && !(returned < dueIn.Until)
            && !(handled == Moments.None && withdrawn < dueIn.Until))
        {
            dueIn.DisposalDue++;
            if (handled < dueIn.Until)
            {
                dueIn.Handled++;
            }
        }

        var accepted = assignment.Accepted;
        // Withdrawn unsigned before its sign deadline: never due for signing. Withdrawn unsigned later: it was late.
        if (!(accepted == Moments.None && withdrawn < assignment.SignDeadline))
        {
            var signDeadline = assignment.SignDeadline;
            var due = Math.Min(accepted, signDeadline);
            if (due != Moments.None && group.Find(due) is { } signIn)
            {
                signIn.SignDue++;
                if (accepted < signIn.Until && accepted <= signDeadline)
                {
                    signIn.SignedOnTime++;
                }
            }
        }
        if (accepted != Moments.None && group.Find(accepted) is { } signedIn)
        {
            signedIn.ToSign.Add(accepted - dispatched);
        }
    }

    /// <summary>Whether assignments of two or more departments had been dispatched before <paramref name="until"/>.</summary>
    private static bool CrossDepartmentBy(in CompactIncident incident, long until)
    {
        var first = CodeBook.None;
        foreach (ref readonly var assignment in (incident.Assignments ?? []).AsSpan())
        {
            if (assignment.Dispatched >= until)
            {
                continue;
            }
            if (first == CodeBook.None)
            {
                first = assignment.Department;
            }
            else if (assignment.Department != first)
            {
                return true;
            }
        }
        return false;
    }

    private static RateWindows SingleWindow(RateSlice slice, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var to = slice.To ?? asOf;
        if (slice.From is { } from && from >= to)
        {
            throw new ArgumentException(slice.To is null
                ? $"The window's start ({Describe(from)}) must be before its end, which is as_of ({Describe(asOf)}) when to is not given."
                : $"The window's start ({Describe(from)}) must be before its end ({Describe(to)}).", nameof(slice));
        }
        var start = slice.From is { } f ? Moments.Of(f) : Moments.BeginningOfTime;
        var end = Moments.Of(to);
        return new RateWindows([start, end], [Math.Min(end, Moments.Of(asOf))]);
    }

    /// <summary>Whole periods of China Standard Time covering [from, to).</summary>
    private static RateWindows Periods(DateTimeOffset from, DateTimeOffset to, TrendPeriod period, long asOf)
    {
        if (from >= to)
        {
            throw new ArgumentException($"The trend's start ({Describe(from)}) must be before its end ({Describe(to)}).", nameof(from));
        }
        var starts = new List<long>();
        try
        {
            var start = PeriodStart(from, period);
            var last = PeriodStart(to, period);
            var end = last == to ? to : NextPeriod(last, period);
            starts.Add(Moments.Of(start));
            for (var next = start; next < end;)
            {
                next = NextPeriod(next, period);
                if (starts.Count > MaxTrendPeriods)
                {
                    throw new ArgumentException(
                        $"A trend has at most {MaxTrendPeriods} periods; {Describe(from)} to {Describe(to)} by {PeriodName(period)} has more. " +
                        "Shorten the span or choose a longer period.", nameof(period));
                }
                starts.Add(Moments.Of(next));
            }
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"The trend's span {Describe(from)} to {Describe(to)} reaches beyond the calendar; give real dates.", nameof(from), e);
        }
        var until = new long[starts.Count - 1];
        for (var i = 0; i < until.Length; i++)
        {
            until[i] = Math.Min(starts[i + 1], asOf);
        }
        return new RateWindows([.. starts], until);
    }

    internal static DateTimeOffset PeriodStart(DateTimeOffset time, TrendPeriod period)
    {
        var day = time.ToOffset(ChinaStandardTime).Date;
        var start = period switch
        {
            TrendPeriod.Day => day,
            // ISO weeks start on Monday; DayOfWeek counts from Sunday = 0.
            TrendPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            _ => new DateTime(day.Year, day.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };
        return new DateTimeOffset(start, ChinaStandardTime);
    }

    private static DateTimeOffset NextPeriod(DateTimeOffset start, TrendPeriod period) => period switch
    {
        TrendPeriod.Day => start.AddDays(1),
        TrendPeriod.Week => start.AddDays(7),
        _ => start.AddMonths(1),
    };

    private static string PeriodName(TrendPeriod period) => period switch
    {
        TrendPeriod.Day => "day",
        TrendPeriod.Week => "week",
        _ => "month",
    };

    private static string Describe(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    private static Ratio RatioOf(RateSheet sheet, RateKind kind) => kind switch
    {
        RateKind.Closure => sheet.Closure,
        RateKind.OnTimeClosure => sheet.OnTimeClosure,
        RateKind.CrossDepartmentClosure => sheet.CrossDepartmentClosure,
        RateKind.CrossDepartmentOnTimeClosure => sheet.CrossDepartmentOnTimeClosure,
        RateKind.Disposal => sheet.Disposal,
        RateKind.ResolvedLocally => sheet.ResolvedLocally,
        RateKind.Rework => sheet.Rework,
        RateKind.OnTimeSign => sheet.OnTimeSign,
        _ => sheet.Return,
    };

    /// <summary>Negative when <paramref name="a"/> ranks before <paramref name="b"/>; exact, as fractions.</summary>
    private static int CompareForRanking(Ratio a, Ratio b, bool lowerIsBetter)
    {
        var aHas = a.Denominator > 0;
        var bHas = b.Denominator > 0;
        if (!aHas || !bHas)
        {
            return aHas == bHas ? 0 : aHas ? -1 : 1;
        }
        var ascending = ((Int128)a.Numerator * b.Denominator).CompareTo((Int128)b.Numerator * a.Denominator);
        return lowerIsBetter ? ascending : -ascending;
    }

    /// <summary>
    /// The slice's filters on the incident itself (region, category, platform), resolved against one table's codes;
    /// the department is per figure, and kept as an id for the groupings.
    /// </summary>
    private sealed class SliceFilter
    {
        /// <summary>An id no incident has: a filter on a code no incident carries matches nothing.</summary>
        public const int Unknown = -2;

        private bool[]? _regionMatches;
        private int _category = CodeBook.None;
        private Platform? _platform;

        /// <summary>The department filter's id; <see cref="CodeBook.None"/> when there is none.</summary>
        public int Department { get; private init; } = CodeBook.None;

        public static SliceFilter Of(RateSlice slice, CodeView codes)
        {
            ArgumentNullException.ThrowIfNull(slice);
            var region = string.IsNullOrEmpty(slice.RegionCode) ? null : slice.RegionCode;
            if (region is not null && (region.Length is not (6 or 9 or 12 or 15) || !region.All(char.IsAsciiDigit)))
            {
                throw new ArgumentException(
                    $"Region code '{region}' is not a county (6 digits), township (9), village (12) or grid (15) code.", nameof(slice));
            }
            bool[]? regionMatches = null;
            if (region is not null)
            {
                // Every code is tried, not only region codes: only region ids are ever looked up in it.
                regionMatches = new bool[codes.Count];
                for (var id = 0; id < codes.Count; id++)
                {
                    regionMatches[id] = codes[id].StartsWith(region, StringComparison.Ordinal);
                }
            }
            return new SliceFilter
            {
                _regionMatches = regionMatches,
                Department = IdOf(slice.DepartmentCode, codes),
                _category = IdOf(slice.CategoryCode, codes),
                _platform = slice.Platform is null or Platform.Unspecified ? null : slice.Platform,
            };
        }

        private static int IdOf(string? code, CodeView codes) =>
            string.IsNullOrEmpty(code) ? CodeBook.None : codes.Find(code) is var id && id >= 0 ? id : Unknown;

        public bool Admits(in CompactIncident incident) =>
            (_regionMatches is null || (incident.Region >= 0 && _regionMatches[incident.Region]))
            && (_category == CodeBook.None || incident.Category == _category)
            && (_platform is null || incident.Platform == _platform);

        /// <summary>Whether a figure of <paramref name="department"/> (a lead, or an assignment's own) passes.</summary>
        public bool AdmitsDepartment(int department) => Department == CodeBook.None || department == Department;
    }

    /// <summary>Which group an incident's figures, and each of its assignments' figures, go to.</summary>
    private abstract class Grouping
    {
        public abstract RateGroup? ForIncident(in CompactIncident incident);

        public abstract RateGroup? ForAssignment(in CompactIncident incident, in CompactAssignment assignment);
    }

    private sealed class WholeSlice(RateGroup group, SliceFilter filter) : Grouping
    {
        public RateGroup Group { get; } = group;

        public override RateGroup? ForIncident(in CompactIncident incident) => filter.AdmitsDepartment(incident.Lead) ? Group : null;

        public override RateGroup? ForAssignment(in CompactIncident incident, in CompactAssignment assignment) =>
            filter.AdmitsDepartment(assignment.Department) ? Group : null;
    }

    /// <summary>One group per code (or platform), found by array index: a ranking costs no more than a sheet.</summary>
    private sealed class ByKey(RateWindows windows, RankingDimension dimension, SliceFilter filter, CodeView codes) : Grouping
    {
        private readonly RateGroup?[] _groups = new RateGroup?[dimension == RankingDimension.Platform ? 8 : codes.Count];

        public IEnumerable<RateGroup> Groups => _groups.OfType<RateGroup>();

        public override RateGroup? ForIncident(in CompactIncident incident) =>
            filter.AdmitsDepartment(incident.Lead) ? GroupOf(dimension == RankingDimension.Department ? incident.Lead : KeyOf(in incident)) : null;

        public override RateGroup? ForAssignment(in CompactIncident incident, in CompactAssignment assignment) =>
            filter.AdmitsDepartment(assignment.Department)
                ? GroupOf(dimension == RankingDimension.Department ? assignment.Department : KeyOf(in incident))
                : null;

        private int KeyOf(in CompactIncident incident) => dimension switch
        {
            RankingDimension.Township => incident.Township,
            RankingDimension.Village => incident.Village,
            RankingDimension.Grid => incident.Grid,
            RankingDimension.Category => incident.Category,
            _ => incident.Platform is > Platform.Unspecified and <= (Platform)7 ? (int)incident.Platform : CodeBook.None,
        };

        private RateGroup? GroupOf(int key)
        {
            if (key < 0)
            {
                return null;
            }
            return _groups[key] ??= new RateGroup(windows)
            {
                Key = dimension == RankingDimension.Platform ? PlatformName((Platform)key) : codes[key],
            };
        }
    }

    /// <summary>The platform's name in the contract (PLATFORM_SOCIAL_GOVERNANCE, ...), the key of a platform ranking.</summary>
    internal static string PlatformName(Platform platform) =>
        PlatformDescriptor.FindValueByNumber((int)platform)?.Name ?? ((int)platform).ToString(CultureInfo.InvariantCulture);
}
