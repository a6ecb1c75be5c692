using System.Text;

namespace IpyBox.AI.Cli.Commands;

/// <summary>Lays out rows as columns padded to their widest cell, the way <c>docker ps</c> does.</summary>
internal static class TextTable
{
    /// <summary>Returns the header and the rows, one line each; the last column is not padded.</summary>
    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var column = 0; column < row.Count; column++)
            {
                text.Append(column == row.Count - 1 ? row[column] : row[column].PadRight(widths[column] + 3));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
