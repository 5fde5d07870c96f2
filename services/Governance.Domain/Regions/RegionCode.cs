using System.Diagnostics.CodeAnalysis;

namespace Governance.Domain.Regions;

/// <summary>
/// A validated code of the region tree. The code alone fixes the level and every ancestor, because each level
/// appends digits to its parent's code: county (6) → township (9) → village (12) → grid (15); a city is the
/// county code with its last two digits "00".
/// Events store codes as plain strings; this type is how they are checked and taken apart.
/// </summary>
public readonly struct RegionCode : IEquatable<RegionCode>, IComparable<RegionCode>
{
    // GB/T 2260 province-level prefixes (省级代码). Checking them catches swapped or truncated codes early.
    private static readonly HashSet<string> ProvincePrefixes =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    ];

    private readonly string? _value;

    private RegionCode(string value, RegionLevel level)
    {
        _value = value;
        Level = level;
    }

    /// <summary>The digits. <c>default(RegionCode)</c> is not a code; its value is empty.</summary>
    public string Value => _value ?? "";

    public RegionLevel Level { get; }

    /// <summary>The parent code, or null for a city (the top of this tree).</summary>
    public RegionCode? Parent => Level switch
    {
        RegionLevel.Grid => new RegionCode(Value[..12], RegionLevel.Village),
        RegionLevel.Village => new RegionCode(Value[..9], RegionLevel.Township),
        RegionLevel.Township => new RegionCode(Value[..6], RegionLevel.County),
        RegionLevel.County => new RegionCode(Value[..4] + "00", RegionLevel.City),
        _ => null,
    };

    /// <summary>The county this code lies in (itself for a county); null for a city.</summary>
    public RegionCode? County => Level == RegionLevel.City ? null : new RegionCode(Value[..6], RegionLevel.County);

    /// <summary>The city this code lies in (itself for a city).</summary>
    public RegionCode City => new(Value[..4] + "00", RegionLevel.City);

    /// <summary>The ancestor at <paramref name="level"/>, or null when that level is not above (or at) this one.</summary>
    public RegionCode? AncestorAt(RegionLevel level) => level switch
    {
        _ when level > Level => null,
        RegionLevel.City => City,
        RegionLevel.County => new RegionCode(Value[..6], RegionLevel.County),
        RegionLevel.Township => new RegionCode(Value[..9], RegionLevel.Township),
        RegionLevel.Village => new RegionCode(Value[..12], RegionLevel.Village),
        RegionLevel.Grid => this,
        _ => null,
    };

    /// <summary>True when <paramref name="other"/> is this region or lies inside it.</summary>
    public bool Contains(RegionCode other) => other.AncestorAt(Level) is { } ancestor && ancestor.Equals(this);

    /// <summary>The code of this region's child with a 3-digit serial (1..999): township, village or grid.</summary>
    public RegionCode Child(int serial)
    {
        if (Level is RegionLevel.City or RegionLevel.Grid)
            throw DomainException.Invalid($"A {Level.ToString().ToLowerInvariant()} code has no 3-digit children.");
        if (serial is < 1 or > 999)
            throw DomainException.Invalid($"Serial {serial} is out of range; child serials run from 1 to 999.");
        return Parse(Value + serial.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
    }

    public static RegionCode Parse(string? text) =>
        TryParse(text, out var code, out var error) ? code : throw DomainException.Invalid(error);

    public static bool TryParse(string? text, out RegionCode code) => TryParse(text, out code, out _);

    /// <summary>Parses a code; on failure <paramref name="error"/> says what is wrong in words a person can act on.</summary>
    public static bool TryParse(string? text, out RegionCode code, [NotNullWhen(false)] out string? error)
    {
        code = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The region code is empty; expected 6 (county or city), 9 (township), 12 (village) or 15 (grid) digits.";
            return false;
        }
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                error = $"Region code '{Require.Shorten(text)}' must contain digits only.";
                return false;
            }
        }
        if (!ProvincePrefixes.Contains(text[..Math.Min(2, text.Length)]))
        {
            error = $"Region code '{text}' does not start with a GB/T 2260 province code (e.g. 33 for Zhejiang).";
            return false;
        }
        RegionLevel level;
        switch (text.Length)
        {
            case 6 when text.EndsWith("0000", StringComparison.Ordinal):
                error = $"Region code '{text}' is a province; the region tree starts at city level (e.g. {text[..2]}0200).";
                return false;
            case 6 when text.EndsWith("00", StringComparison.Ordinal):
                level = RegionLevel.City;
                break;
            case 6 when text.AsSpan(2, 2) is "00":
                error = $"Region code '{text}' has city digits '00'; a county code is province (2) + city (2) + county (2) digits.";
                return false;
            case 6:
                level = RegionLevel.County;
                break;
            case 9:
            case 12:
            case 15:
                level = text.Length switch { 9 => RegionLevel.Township, 12 => RegionLevel.Village, _ => RegionLevel.Grid };
                if (!TrySegments(text, out error))
                    return false;
                break;
            default:
                error = $"Region code '{Require.Shorten(text)}' has {text.Length} digits; expected 6 (county or city), 9 (township), 12 (village) or 15 (grid).";
                return false;
        }
        code = new RegionCode(text, level);
        error = null;
        return true;
    }

    private static bool TrySegments(string text, [NotNullWhen(false)] out string? error)
    {
        if (text.AsSpan(4, 2) is "00" || text.AsSpan(2, 2) is "00")
        {
            error = $"Region code '{text}' does not start with a county code (its first 6 digits {text[..6]} are a city or province).";
            return false;
        }
        string[] names = ["township", "village", "grid"];
        for (int start = 6, i = 0; start < text.Length; start += 3, i++)
        {
            if (text.AsSpan(start, 3) is "000")
            {
                error = $"Region code '{text}' has the {names[i]} digits '000'; serials run from 001 to 999.";
                return false;
            }
        }
        error = null;
        return true;
    }

    public bool Equals(RegionCode other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is RegionCode other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public int CompareTo(RegionCode other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value;

    public static bool operator ==(RegionCode left, RegionCode right) => left.Equals(right);

    public static bool operator !=(RegionCode left, RegionCode right) => !left.Equals(right);

    public static bool operator <(RegionCode left, RegionCode right) => left.CompareTo(right) < 0;

    public static bool operator >(RegionCode left, RegionCode right) => left.CompareTo(right) > 0;

    public static bool operator <=(RegionCode left, RegionCode right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RegionCode left, RegionCode right) => left.CompareTo(right) >= 0;
}
