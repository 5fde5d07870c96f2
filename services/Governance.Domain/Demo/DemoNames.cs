namespace Governance.Domain.Demo;

/// <summary>
/// Deterministic, plausible Chinese place names for a generated county: the same seed and index always give the
/// same name on every machine and .NET version (no <see cref="Random"/>, whose sequence is not guaranteed).
/// Names are two place-name morphemes plus the official suffix; within one seed, different indexes give different
/// names (up to <see cref="Capacity"/>).
/// </summary>
public static class DemoNames
{
    // Common leading and trailing morphemes of Zhejiang place names; the lists share no character, so no name doubles one.
    private const string Leading = "东西南北新长安宁龙凤金玉青白石永兴庆福华昌平和丰泰崇观宗坎胜三双古高上下大小前横瑞桂仁义康乐明光嘉荣";
    private const string Trailing = "山河湖海塘溪港湾浦岙浜江林园岭田泉阳峰沙洋口头里家庄塔门墩堰埠岗坞渡亭岸洲坪坝堡墅巷埭圩桥溇礁滩岩坑";

    // Separate salts keep township 0 and village 0 of one seed from sharing a name.
    private const ulong TownshipSalt = 0x7A3C_19E5_0000_0001;
    private const ulong VillageSalt = 0x51D2_8B47_0000_0002;

    /// <summary>How many distinct names one seed yields per level.</summary>
    public static int Capacity => Leading.Length * Trailing.Length;

    /// <summary>A township name: "…街道" for an urban subdistrict, "…镇" otherwise.</summary>
    public static string Township(int seed, int index, bool subdistrict) =>
        Stem(seed, index, TownshipSalt) + (subdistrict ? "街道" : "镇");

    /// <summary>A village name: "…社区" for an urban community, "…村" otherwise.</summary>
    public static string Village(int seed, int index, bool community) =>
        Stem(seed, index, VillageSalt) + (community ? "社区" : "村");

    /// <summary>A grid's name, as counties number them within their village: "…第3网格".</summary>
    public static string Grid(string villageName, int serial) => $"{villageName}第{serial}网格";

    /// <summary>
    /// GB/T 10114 numbers a county's subdistricts (街道) 001–099 and its towns (镇) and townships (乡) from 100, so
    /// the code tells which a township is.
    /// </summary>
    public static bool IsSubdistrictCode(string townshipCode) =>
        townshipCode.Length == 9 && int.TryParse(townshipCode.AsSpan(6, 3), out var serial) && serial < 100;

    private static string Stem(int seed, int index, ulong salt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Capacity);
        // An affine map k → (a·k + b) mod N with a coprime to N is a permutation of 0..N-1: distinct indexes give
        // distinct names, in an order that looks shuffled and depends on the seed.
        var n = (ulong)Capacity;
        var state = SplitMix((ulong)(uint)seed ^ salt);
        var a = (SplitMix(state) % n) | 1;
        while (Gcd(a, n) != 1)
            a += 2;
        var b = SplitMix(state + 1) % n;
        var k = (int)((a * (ulong)index + b) % n);
        return $"{Leading[k / Trailing.Length]}{Trailing[k % Trailing.Length]}";
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E37_79B9_7F4A_7C15;
        x = (x ^ (x >> 30)) * 0xBF58_476D_1CE4_E5B9;
        x = (x ^ (x >> 27)) * 0x94D0_49BB_1331_11EB;
        return x ^ (x >> 31);
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }
}
