using System.Text;

namespace CorralOS.Config;

/// <summary>
/// Compose-style variable interpolation in service definitions: <c>${VAR}</c>, <c>$VAR</c>, <c>${VAR:-default}</c>
/// (default when unset or empty), <c>${VAR-default}</c> (default when unset) and <c>$$</c> for a literal dollar.
/// Unset variables become empty, as in RancherOS. Only values are rewritten, never keys.
/// </summary>
public static class Interpolation
{
    /// <summary>The variables: rancher.environment of the merged config (values as text).</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, object?> config)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ConfigTree.Get(config, "rancher.environment") is IReadOnlyDictionary<string, object?> environment)
        {
            foreach (var (key, value) in environment)
            {
                result[key] = ConfigYaml.FormatScalar(value);
            }
        }
        return result;
    }

    public static object? Apply(object? value, IReadOnlyDictionary<string, string> variables) => value switch
    {
        string s => Apply(s, variables),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Apply(p.Value, variables), StringComparer.Ordinal),
        IReadOnlyList<object?> list => list.Select(item => Apply(item, variables)).ToList(),
        _ => value,
    };

    public static string Apply(string text, IReadOnlyDictionary<string, string> variables)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }
            var next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (next == '{' && text.IndexOf('}', i + 2) is var close and > 0)
            {
                result.Append(Expand(text[(i + 2)..close], variables));
                i = close;
            }
            else if (char.IsAsciiLetter(next) || next == '_')
            {
                var end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
                {
                    end++;
                }
                result.Append(variables.GetValueOrDefault(text[(i + 1)..end], ""));
                i = end - 1;
            }
            else
            {
                result.Append('$');
            }
        }
        return result.ToString();
    }

    private static string Expand(string expression, IReadOnlyDictionary<string, string> variables)
    {
        var colonDash = expression.IndexOf(":-", StringComparison.Ordinal);
        var dash = expression.IndexOf('-', StringComparison.Ordinal);
        if (colonDash > 0 && colonDash <= dash)
        {
            var value = variables.GetValueOrDefault(expression[..colonDash]);
            return string.IsNullOrEmpty(value) ? expression[(colonDash + 2)..] : value;
        }
        if (dash > 0)
        {
            return variables.TryGetValue(expression[..dash], out var value) ? value : expression[(dash + 1)..];
        }
        return variables.GetValueOrDefault(expression, "");
    }
}
