namespace Governance.Incidents.Tests.Deadlines;

/// <summary>A clock that moves only when a test says so; timers created on it fire as it passes their due time.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public void SetUtcNow(DateTimeOffset now)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            if (now < _now)
            {
                throw new ArgumentOutOfRangeException(nameof(now), "This clock only moves forward.");
            }
            _now = now;
            due = [.. _timers.Where(t => t.DueAt <= now)];
        }
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    public void Advance(TimeSpan by) => SetUtcNow(GetUtcNow() + by);

    /// <summary>
    /// Timers waiting for the clock. A loop that reads the clock and then starts a timer for the rest of its sleep
    /// must be asleep (its timer here) before a test moves the clock past its due time: moved in between, the timer
    /// counts from the new time and waits for a moment that never comes.
    /// </summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool fireNow;
            lock (clock._lock)
            {
                clock._timers.Remove(this);
                _period = period;
                fireNow = dueTime == TimeSpan.Zero;
                if (dueTime != Timeout.InfiniteTimeSpan && !fireNow)
                {
                    DueAt = clock._now + dueTime;
                    clock._timers.Add(this);
                }
            }
            if (fireNow)
            {
                ThreadPool.QueueUserWorkItem(_ => Fire());
            }
            return true;
        }

        public void Fire()
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
                if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
                {
                    DueAt = clock._now + _period;
                    clock._timers.Add(this);
                }
            }
            callback(state);
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
