namespace Governance.Incidents.Tests.Analytics;

/// <summary>
/// A clock that reads the same moment until the test sets another, so every step of a scripted week happens at the
/// minute the test names and every duration and deadline is known exactly. Its timers and delays are
/// <see cref="TimeProvider"/>'s own and run on real time, so the host's waits (a watch's pacing, a retry's backoff)
/// still pass while the reading stands still.
/// </summary>
internal sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the reading to <paramref name="now"/>; never back, as the host's log expects.</summary>
    public void Set(DateTimeOffset now)
    {
        var current = GetUtcNow();
        if (now < current)
        {
            throw new ArgumentOutOfRangeException(nameof(now), now, $"This clock only moves forward; it reads {current:O}.");
        }
        Interlocked.Exchange(ref _utcTicks, now.UtcTicks);
    }
}
