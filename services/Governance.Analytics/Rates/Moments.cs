using Google.Protobuf.WellKnownTypes;

namespace Governance.Analytics.Rates;

/// <summary>
/// Instants as 100 ns ticks since the Unix epoch, so the engine compares longs instead of Timestamp messages. An
/// unset time is <see cref="None"/>, later than every real instant: "closed before t" is then simply
/// <c>closedAt &lt; t</c>, and the earlier of two times ignores an unset one.
/// </summary>
internal static class Moments
{
    public const long None = long.MaxValue;

    public const long BeginningOfTime = long.MinValue;

    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    public static long Of(Timestamp? timestamp) =>
        timestamp is null ? None : (timestamp.Seconds * TimeSpan.TicksPerSecond) + (timestamp.Nanos / 100);

    public static long Of(DateTimeOffset time) => time.UtcTicks - EpochTicks;

    public static DateTimeOffset ToDateTimeOffset(long moment) => new(moment + EpochTicks, TimeSpan.Zero);

    public static Timestamp ToTimestamp(long moment) => Timestamp.FromDateTimeOffset(ToDateTimeOffset(moment));
}
