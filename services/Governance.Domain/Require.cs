using System.Text.RegularExpressions;

namespace Governance.Domain;

/// <summary>Shared argument checks, so every entity refuses bad input with the same wording.</summary>
internal static partial class Require
{
    /// <summary>Identifiers become part of stream names and URLs, so they are short and plain ASCII.</summary>
    public const int MaxIdentifierLength = 64;

    /// <summary>Long enough for any official Chinese unit name (e.g. 某某县综合行政执法局某某中队).</summary>
    public const int MaxNameLength = 100;

    /// <summary>Reasons are notes for the audit trail, not documents.</summary>
    public const int MaxReasonLength = 500;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();

    public static string Identifier(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw DomainException.Invalid($"{what} is empty.");
        if (value.Length > MaxIdentifierLength)
            throw DomainException.Invalid($"{what} '{Shorten(value)}' is longer than {MaxIdentifierLength} characters.");
        if (!IdentifierPattern().IsMatch(value))
            throw DomainException.Invalid(
                $"{what} '{Shorten(value)}' may contain only ASCII letters, digits, '.', '_' and '-', starting with a letter or digit.");
        return value;
    }

    /// <summary>Returns the trimmed name; a name is counted in characters as a person sees them (Unicode scalars).</summary>
    public static string Name(string? value, string what) => Text(value, MaxNameLength, $"{what} is empty.", what);

    public static string Reason(string? value, string what) =>
        Text(value, MaxReasonLength, $"{what}: a reason is required for the audit trail.", $"{what}: the reason");

    /// <summary>Notes of handling or supervision: a paragraph or two, what was done and found.</summary>
    public const int MaxNoteLength = 2000;

    public static string Note(string? value, string what) =>
        Text(value, MaxNoteLength, $"{what}: the note is empty; say what was done or found.", $"{what}: the note");

    /// <summary>Free text for the audit trail, trimmed and counted in characters as a person sees them.</summary>
    public static string Text(string? value, int maxLength, string whenEmpty, string subject)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw DomainException.Invalid(whenEmpty);
        var length = trimmed.EnumerateRunes().Count();
        if (length > maxLength)
            throw DomainException.Invalid($"{subject} has {length} characters; at most {maxLength} are allowed.");
        return trimmed;
    }

    public static T Defined<T>(T value, string what) where T : struct, Enum =>
        Enum.IsDefined(value)
            ? value
            : throw DomainException.Invalid($"{what} {Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)} is not one of: {string.Join(", ", Enum.GetNames<T>())}.");

    public static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
