namespace CorralOS.Init.Modules;

/// <summary>fnmatch(3)-style matching as modules.alias uses it: '*', '?' and '[...]' classes.</summary>
public static class Glob
{
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative matcher with one backtrack point for the last '*'.
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
                continue;
            }
            if (p < pattern.Length && MatchOne(pattern, ref p, text[t]))
            {
                t++;
                continue;
            }
            if (starP < 0)
            {
                return false;
            }
            p = starP + 1;
            t = ++starT;
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    // Matches one pattern element at p against c; advances p past the element when it matches.
    private static bool MatchOne(ReadOnlySpan<char> pattern, ref int p, char c)
    {
        if (pattern[p] == '?')
        {
            p++;
            return true;
        }
        if (pattern[p] != '[')
        {
            if (pattern[p] != c)
            {
                return false;
            }
            p++;
            return true;
        }
        var i = p + 1;
        var negate = i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^');
        if (negate)
        {
            i++;
        }
        var matched = false;
        var first = true;
        while (i < pattern.Length && (first || pattern[i] != ']'))
        {
            first = false;
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                matched |= c >= pattern[i] && c <= pattern[i + 2];
                i += 3;
            }
            else
            {
                matched |= pattern[i] == c;
                i++;
            }
        }
        if (i >= pattern.Length)
        {
            // No closing bracket: '[' is an ordinary character.
            if (c != '[')
            {
                return false;
            }
            p++;
            return true;
        }
        if (matched == negate)
        {
            return false;
        }
        p = i + 1;
        return true;
    }
}
