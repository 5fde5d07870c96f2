using System.Buffers;
using System.Numerics;
using Governance.Contracts.V1;

namespace Governance.Analytics.Rates;

/// <summary>
/// Durations (in ticks) gathered for one figure, and their nearest-rank median and 90th percentile found by
/// selection rather than a full sort: a county-year has close to a million of each, and sorting them three times
/// would cost more than the whole pass over the incidents. The buffer is rented and returned by <see cref="ToStats"/>.
/// </summary>
internal struct DurationSamples
{
    private long[]? _values;
    private int _count;

    public readonly int Count => _count;

    public void Add(long ticks)
    {
        if (_values is null || _count == _values.Length)
        {
            Grow();
        }
        _values![_count++] = ticks;
    }

    private void Grow()
    {
        var bigger = ArrayPool<long>.Shared.Rent(_values is null ? 64 : _values.Length * 2);
        if (_values is not null)
        {
            _values.AsSpan(0, _count).CopyTo(bigger);
            ArrayPool<long>.Shared.Return(_values);
        }
        _values = bigger;
    }

    /// <summary>The statistics, after which the samples are gone (the buffer goes back to the pool).</summary>
    public DurationStats ToStats()
    {
        var stats = new DurationStats { Count = _count };
        if (_values is not null)
        {
            if (_count > 0)
            {
                var span = _values.AsSpan(0, _count);
                // Nearest rank: the p-th percentile is the value of 1-based rank ceil(p/100 · n).
                var medianRank = (_count + 1) / 2;
                var p90Rank = (int)(((9L * _count) + 9) / 10);
                var (median, p90) = Selection.SelectTwo(span, medianRank - 1, p90Rank - 1);
                stats.MedianSeconds = median / (double)TimeSpan.TicksPerSecond;
                stats.P90Seconds = p90 / (double)TimeSpan.TicksPerSecond;
            }
            ArrayPool<long>.Shared.Return(_values);
            _values = null;
        }
        _count = 0;
        return stats;
    }
}

/// <summary>Order statistics: quickselect (Hoare partition, median-of-three pivot, sorting if it degrades), and two at once
/// through a histogram.</summary>
internal static class Selection
{
    private const int HistogramBits = 16;

    /// <summary>
    /// The values a sort would put at <paramref name="first"/> and <paramref name="second"/> (first ≤ second), in
    /// three sequential passes: the range, a histogram of 65,536 buckets over it, then a selection among only the
    /// values of the one or two buckets holding those ranks. Faster than two quickselects over a million values,
    /// because nothing is swapped but the few values copied out. The span's order is changed.
    /// </summary>
    public static (long First, long Second) SelectTwo(Span<long> values, int first, int second)
    {
        if ((uint)first > (uint)second || (uint)second >= (uint)values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(second), second, $"The ranks must lie within the {values.Length} values, in order.");
        }
        if (values.Length < 4096)
        {
            var b = Select(values, second);
            return (Select(values[..(second + 1)], first), b);
        }
        var min = long.MaxValue;
        var max = long.MinValue;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min == max)
        {
            return (min, min);
        }
        // Buckets of 2^shift values over [min, max]; the range is taken as unsigned so no span of longs overflows.
        var range = (ulong)(max - min);
        var shift = Math.Max(0, 64 - BitOperations.LeadingZeroCount(range) - HistogramBits);
        var counts = new int[(int)(range >> shift) + 1];
        foreach (var v in values)
        {
            counts[(int)((ulong)(v - min) >> shift)]++;
        }
        var (firstBucket, firstBefore) = BucketOf(counts, first);
        var (secondBucket, secondBefore) = BucketOf(counts, second);

        // The values of the buckets holding the two ranks, copied to the front: bucket by bucket, in order.
        var taken = 0;
        foreach (var bucket in firstBucket == secondBucket ? [firstBucket] : new[] { firstBucket, secondBucket })
        {
            for (var i = taken; i < values.Length; i++)
            {
                if ((int)((ulong)(values[i] - min) >> shift) == bucket)
                {
                    (values[taken], values[i]) = (values[i], values[taken]);
                    taken++;
                }
            }
        }
        var firstValue = Select(values[..counts[firstBucket]], first - firstBefore);
        var secondValue = firstBucket == secondBucket
            ? Select(values[..counts[firstBucket]], second - secondBefore)
            : Select(values[counts[firstBucket]..taken], second - secondBefore);
        return (firstValue, secondValue);
    }

    /// <summary>The bucket holding 0-based rank <paramref name="rank"/>, and how many values lie in the buckets before it.</summary>
    private static (int Bucket, int Before) BucketOf(int[] counts, int rank)
    {
        var before = 0;
        for (var bucket = 0; bucket < counts.Length; bucket++)
        {
            if (before + counts[bucket] > rank)
            {
                return (bucket, before);
            }
            before += counts[bucket];
        }
        throw new InvalidOperationException("The histogram holds fewer values than the rank asked for.");
    }

    /// <summary>
    /// Rearranges <paramref name="values"/> so that the element at <paramref name="index"/> is the one a sort would
    /// put there, every element before it is at or below it, and every element after is at or above; returns it.
    /// </summary>
    public static long Select(Span<long> values, int index)
    {
        if ((uint)index >= (uint)values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must lie within the {values.Length} values.");
        }
        var low = 0;
        var high = values.Length - 1;
        // Median-of-three makes the quadratic case need adversarial input; durations are not adversarial, but a
        // bound on the rounds keeps even that case at n log n.
        var roundsLeft = 2 * (64 - long.LeadingZeroCount(values.Length)) + 8;
        while (high > low)
        {
            if (roundsLeft-- == 0)
            {
                values[low..(high + 1)].Sort();
                return values[index];
            }
            var pivot = MedianOfThree(values[low], values[low + ((high - low) / 2)], values[high]);
            var i = low;
            var j = high;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (values[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            // Now values[low..j] ≤ pivot ≤ values[i..high], and anything strictly between j and i equals the pivot.
            if (index <= j)
            {
                high = j;
            }
            else if (index >= i)
            {
                low = i;
            }
            else
            {
                return values[index];
            }
        }
        return values[index];
    }

    private static long MedianOfThree(long a, long b, long c) =>
        a < b
            ? (b < c ? b : (a < c ? c : a))
            : (a < c ? a : (b < c ? c : b));
}
