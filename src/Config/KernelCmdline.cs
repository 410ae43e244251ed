using System.Text;
using YamlDotNet.Core;

namespace CorralOS.Config;

/// <summary>
/// The kernel command line as configuration, by RancherOS's rules: <c>rancher.a.b=v</c> lands at
/// <c>rancher.a.b</c>, <c>cc.key=v</c> at the top-level <c>key</c>, a bare key means <c>true</c>, values are
/// YAML-typed (<c>[a,b]</c>, <c>5</c>, <c>'a b'</c>), and spaces inside quotes or brackets do not split.
/// Other parameters (console=, quiet, ...) are ignored unless <c>parseAll</c> is set.
/// </summary>
public static class KernelCmdline
{
    // ':' '?' and newlines would make YAML see mappings or complex keys in values such as
    // url:http://host/x?a=b; they stand in as private-use characters while the value is parsed.
    private static readonly (char Real, char Standin)[] s_standins = [(':', '\uE000'), ('?', '\uE001'), ('\n', '\uE002')];

    public static Dictionary<string, object?> Read(string path = "/proc/cmdline", bool parseAll = false) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), parseAll) : new Dictionary<string, object?>(StringComparer.Ordinal);

    public static Dictionary<string, object?> Parse(string cmdline, bool parseAll = false)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in Split(cmdline))
        {
            string name;
            if (parameter.StartsWith("cc.", StringComparison.Ordinal))
            {
                name = parameter[3..];
            }
            else if (parameter.StartsWith("rancher.", StringComparison.Ordinal) || parseAll)
            {
                name = parameter;
            }
            else
            {
                continue;
            }

            var equals = name.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? name : name[..equals];
            var value = equals < 0 ? true : ParseValue(name[(equals + 1)..]);
            if (key.Length > 0)
            {
                Insert(result, key.Split('.'), value);
            }
        }
        return result;
    }

    /// <summary>Splits at spaces and tabs that are outside quotes and brackets; the pieces keep their quotes.</summary>
    public static IReadOnlyList<string> Split(string cmdline)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        var depth = 0;
        foreach (var c in cmdline.Trim())
        {
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && depth > 0)
            {
                depth--;
            }
            else if (c is ' ' or '\t' && depth == 0)
            {
                if (current.Length > 0)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                }
                continue;
            }
            current.Append(c);
        }
        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }
        return parts;
    }

    /// <summary>YAML-types one value; text YAML cannot read stays the literal string.</summary>
    public static object? ParseValue(string value)
    {
        var escaped = value;
        foreach (var (real, standin) in s_standins)
        {
            escaped = escaped.Replace(real, standin);
        }
        try
        {
            return Restore(YamlValues.Parse(escaped));
        }
        catch (YamlException)
        {
            return value;
        }
    }

    private static object? Restore(object? value)
    {
        switch (value)
        {
            case string text:
                foreach (var (real, standin) in s_standins)
                {
                    text = text.Replace(standin, real);
                }
                return text;
            case List<object?> list:
                for (var i = 0; i < list.Count; i++)
                {
                    list[i] = Restore(list[i]);
                }
                return list;
            default:
                return value;
        }
    }

    private static void Insert(Dictionary<string, object?> root, string[] path, object? value)
    {
        var current = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (!current.TryGetValue(path[i], out var child))
            {
                var created = new Dictionary<string, object?>(StringComparer.Ordinal);
                current[path[i]] = created;
                current = created;
            }
            else if (child is Dictionary<string, object?> map)
            {
                current = map;
            }
            else
            {
                // An earlier parameter set a scalar here; RancherOS skips the deeper key.
                return;
            }
        }
        current[path[^1]] = value;
    }
}
