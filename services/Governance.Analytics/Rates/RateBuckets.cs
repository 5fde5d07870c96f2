using System.Runtime.CompilerServices;
using Governance.Contracts.V1;

namespace Governance.Analytics.Rates;

/// <summary>
/// The counters of one window of one group: the window is [<see cref="From"/>, <see cref="Until"/>), where
/// <see cref="Until"/> is t = min(to, as_of), the moment the window is judged at.
/// </summary>
internal sealed class RateBucket(long from, long until)
{
    public readonly long From = from;
    public readonly long Until = until;

    public long Due;
    public long Closed;
    public long ClosedOnTime;
    public long CrossDue;
    public long CrossClosed;
    public long CrossClosedOnTime;
    public long DisposalDue;
    public long Handled;
    public long ClosedInWindow;
    public long ClosedLocally;
    public long Verifications;
    public long FailedVerifications;
    public long SignDue;
    public long SignedOnTime;
    public long AssignmentsDispatched;
    public long AssignmentsReturned;
    public long Reported;
    public DurationSamples ToDispatch;
    public DurationSamples ToSign;
    public DurationSamples ToClose;

    /// <summary>The sheet; the duration samples are released, so call it once.</summary>
    public RateSheet ToSheet(LiveCounts live) => new()
    {
        Closure = Ratio(Closed, Due),
        OnTimeClosure = Ratio(ClosedOnTime, Due),
        CrossDepartmentClosure = Ratio(CrossClosed, CrossDue),
        CrossDepartmentOnTimeClosure = Ratio(CrossClosedOnTime, CrossDue),
        Disposal = Ratio(Handled, DisposalDue),
        ResolvedLocally = Ratio(ClosedLocally, ClosedInWindow),
        Rework = Ratio(FailedVerifications, Verifications),
        OnTimeSign = Ratio(SignedOnTime, SignDue),
        Return = Ratio(AssignmentsReturned, AssignmentsDispatched),
        TimeToDispatch = ToDispatch.ToStats(),
        TimeToSign = ToSign.ToStats(),
        TimeToClose = ToClose.ToStats(),
        Open = live.Open,
        Warned = live.Warned,
        Overdue = live.Overdue,
        Supervised = live.Supervised,
        Reported = Reported,
    };

    private static Ratio Ratio(long numerator, long denominator)
    {
        var ratio = new Ratio { Numerator = numerator, Denominator = denominator };
        if (denominator > 0)
        {
            ratio.Value = numerator / (double)denominator;
        }
        return ratio;
    }
}

/// <summary>The live counts of one group, as at as_of.</summary>
internal sealed class LiveCounts
{
    public long Open;
    public long Warned;
    public long Overdue;
    public long Supervised;
}

/// <summary>
/// One group (the whole slice, or one township, department, ... of a ranking) and its windows: one for rates and
/// rankings, one per period for a trend. <see cref="Find"/> places a moment in the window it falls in, if any.
/// </summary>
internal sealed class RateGroup
{
    private readonly RateBucket[] _buckets;
    private readonly long[] _starts;
    private readonly RateBucket? _single;

    public RateGroup(RateWindows windows)
    {
        _starts = windows.Starts;
        _buckets = new RateBucket[windows.Count];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new RateBucket(windows.Starts[i], windows.Until[i]);
        }
        _single = _buckets.Length == 1 ? _buckets[0] : null;
    }

    public string Key { get; init; } = "";

    public LiveCounts Live { get; } = new();

    public IReadOnlyList<RateBucket> Buckets => _buckets;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RateBucket? Find(long moment)
    {
        if (_single is { } only)
        {
            return moment >= only.From && moment < only.Until ? only : null;
        }
        return FindPeriod(moment);
    }

    private RateBucket? FindPeriod(long moment)
    {
        if (moment < _starts[0] || moment >= _starts[^1])
        {
            return null;
        }
        // The last start at or before the moment; periods are contiguous, so it is the moment's period.
        var index = Array.BinarySearch(_starts, moment);
        index = index >= 0 ? index : ~index - 1;
        var bucket = _buckets[index];
        return moment < bucket.Until ? bucket : null;
    }
}

/// <summary>
/// The windows every group of one query shares: <see cref="Starts"/> holds each window's start and, last, the end
/// of the last one (windows are contiguous); <see cref="Until"/> each window's judging moment.
/// </summary>
internal sealed class RateWindows(long[] starts, long[] until)
{
    public long[] Starts { get; } = starts;

    public long[] Until { get; } = until;

    public int Count => Until.Length;
}
