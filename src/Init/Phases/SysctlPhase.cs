using System.Globalization;
using CorralOS.Config;

namespace CorralOS.Init.Phases;

/// <summary>
/// rancher.sysctl: writes each key under /proc/sys (net.ipv4.ip_forward → /proc/sys/net/ipv4/ip_forward).
/// Keys may be dotted strings (cloud-config) or nested maps (the kernel cmdline splits at dots); both
/// flatten to the same name. A key the kernel does not have is reported, the others still apply.
/// </summary>
public sealed class SysctlPhase : IBootPhase
{
    private readonly string _procSys;

    public SysctlPhase(string procSys = "/proc/sys") => _procSys = procSys;

    public string Name => "sysctl";

    public bool Required => false;

    public string Run(BootContext context)
    {
        if (ConfigTree.Get(context.Config, "rancher.sysctl") is not IReadOnlyDictionary<string, object?> settings)
        {
            return "nothing to set";
        }
        var applied = 0;
        var failed = new List<string>();
        foreach (var (key, value) in Flatten(settings, ""))
        {
            var path = Path.Combine(_procSys, key.Replace('.', '/'));
            try
            {
                if (key.Contains("..", StringComparison.Ordinal) || !File.Exists(path))
                {
                    throw new IOException("no such setting");
                }
                File.WriteAllText(path, value);
                applied++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add($"{key}: {e.Message}");
            }
        }
        if (failed.Count > 0)
        {
            throw new IOException($"{applied} set, but: {string.Join("; ", failed)}");
        }
        return $"{applied} set";
    }

    public static IEnumerable<(string Key, string Value)> Flatten(IReadOnlyDictionary<string, object?> map, string prefix)
    {
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var name = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is IReadOnlyDictionary<string, object?> nested)
            {
                foreach (var pair in Flatten(nested, name))
                {
                    yield return pair;
                }
            }
            else
            {
                yield return (name, value switch
                {
                    null => "",
                    bool b => b ? "1" : "0",
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString() ?? "",
                });
            }
        }
    }
}
