using System.Buffers;
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
                var p90Rank = (int)(((9L * _count) + 9) / 10);
                var medianRank = (_count + 1) / 2;
                var p90 = Selection.Select(span, p90Rank - 1);
                // Selection leaves every value at or below the 90th percentile before it, so the median is found
                // among those alone.
                var median = Selection.Select(span[..p90Rank], medianRank - 1);
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

/// <summary>Quickselect (Hoare partition, median-of-three pivot) that falls back to sorting if it degrades.</summary>
internal static class Selection
{
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
