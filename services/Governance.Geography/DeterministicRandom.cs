namespace Governance.Geography;

/// <summary>
/// SplitMix64: a tiny generator whose output depends only on the seed, on every runtime and
/// version (System.Random's seeded sequence is an implementation detail). Generated counties
/// must be identical wherever the product starts.
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private ulong state = seed;

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, maxExclusive).</summary>
    public int NextInt(int min, int maxExclusive)
    {
        if (maxExclusive <= min)
        {
            return min;
        }

        return min + (int)(NextUInt64() % (ulong)(maxExclusive - min));
    }

    /// <summary>A derived generator, so sub-steps do not shift each other's sequences.</summary>
    public DeterministicRandom Fork(ulong salt) => new(NextUInt64() ^ (salt * 0xD1B54A32D192ED03UL));
}
