using System.Text;

namespace Governance.Cli;

internal static class Names
{
    /// <summary>InvalidArgument → INVALID_ARGUMENT: C# enum names back to the spelling of the proto and gRPC specs.</summary>
    public static string UpperSnake(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]) && !char.IsUpper(pascal[i - 1]))
            {
                builder.Append('_');
            }
            builder.Append(char.ToUpperInvariant(pascal[i]));
        }
        return builder.ToString();
    }
}

/// <summary>Aligned "key: value" lines, the shape of one record.</summary>
internal sealed class KeyValueWriter(TextWriter output, int keyWidth = 13)
{
    public KeyValueWriter Add(string key, string? value)
    {
        output.WriteLine((key + ":").PadRight(keyWidth) + " " + (string.IsNullOrEmpty(value) ? "-" : value));
        return this;
    }
}

/// <summary>
/// A plain-text table whose columns line up in a terminal, where a Chinese character takes two columns: padding by
/// string length would push every row with a name in it out of line.
/// </summary>
internal sealed class TableWriter(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void WriteTo(TextWriter output, string indent = "")
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows.Prepend(headers))
        {
            for (var i = 0; i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], DisplayWidth(Cell(row, i)));
            }
        }
        foreach (var row in _rows.Prepend(headers))
        {
            var line = new StringBuilder(indent);
            for (var i = 0; i < widths.Length; i++)
            {
                var cell = Cell(row, i);
                line.Append(cell);
                if (i < widths.Length - 1)
                {
                    line.Append(' ', widths[i] - DisplayWidth(cell) + 2);
                }
            }
            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    private static string Cell(string[] row, int i) => i < row.Length ? row[i] : "";

    /// <summary>Terminal columns of a string: East Asian wide characters (CJK, Hangul, full-width forms) take two.</summary>
    public static int DisplayWidth(string text)
    {
        var width = 0;
        foreach (var c in text)
        {
            width += c is >= '\u1100' and <= '\u115F'
                or >= '\u2E80' and <= '\uA4CF'
                or >= '\uAC00' and <= '\uD7A3'
                or >= '\uF900' and <= '\uFAFF'
                or >= '\uFE30' and <= '\uFE4F'
                or >= '\uFF00' and <= '\uFF60'
                or >= '\uFFE0' and <= '\uFFE6'
                ? 2
                : 1;
        }
        return width;
    }
}
