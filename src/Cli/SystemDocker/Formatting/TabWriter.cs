using System.Text;

namespace CorralOS.Cli.SystemDocker.Formatting;

/// <summary>
/// Aligns tab-separated cells as Go's text/tabwriter does for the docker CLI's tables (minimum width 10, padding 3,
/// spaces): every cell that a tab ends is padded to its column's width; the last cell of a line is left as is.
/// </summary>
public static class TabWriter
{
    public static string Align(IReadOnlyList<string> lines, int minWidth = 10, int padding = 3)
    {
        var cells = lines.Select(l => l.Split('\t')).ToList();
        var columns = cells.Count == 0 ? 0 : cells.Max(c => c.Length - 1);
        var widths = new int[Math.Max(columns, 0)];
        for (var column = 0; column < widths.Length; column++)
        {
            widths[column] = Math.Max(minWidth, cells.Where(c => c.Length - 1 > column).Select(c => c[column].Length + padding).DefaultIfEmpty(0).Max());
        }
        var output = new StringBuilder();
        foreach (var line in cells)
        {
            for (var column = 0; column < line.Length; column++)
            {
                output.Append(column < line.Length - 1 ? line[column].PadRight(widths[column]) : line[column]);
            }
            output.Append('\n');
        }
        return output.ToString();
    }
}
