using System.Text;
using System.Text.RegularExpressions;

namespace CorralOS.Network;

/// <summary>Shell-style patterns for interface names and MACs: '*', '?' and '[...]' (with '!' or '^' to negate).</summary>
internal static class NameGlob
{
    public static bool IsPattern(string text) => text.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    public static bool Matches(string pattern, string text) =>
        Regex.IsMatch(text, ToRegex(pattern), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var close = c == '[' ? pattern.IndexOf(']', i + 2) : -1;
            if (c == '*')
            {
                regex.Append(".*");
            }
            else if (c == '?')
            {
                regex.Append('.');
            }
            else if (close > 0)
            {
                var set = pattern[(i + 1)..close];
                var negate = set[0] is '!' or '^';
                regex.Append('[').Append(negate ? "^" : "").Append(set[(negate ? 1 : 0)..].Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                i = close;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        return regex.Append('$').ToString();
    }
}
