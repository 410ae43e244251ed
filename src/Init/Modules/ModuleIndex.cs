namespace CorralOS.Init.Modules;

/// <summary>
/// The text indexes depmod writes in /lib/modules/&lt;release&gt;: modules.dep (file and dependencies),
/// modules.alias (device patterns), modules.softdep (pre: modules) and modules.builtin.
/// Module names are kept with '_' (the kernel treats '-' and '_' alike).
/// </summary>
public sealed class ModuleIndex
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _dependencies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _softPre = new(StringComparer.Ordinal);
    // Alias patterns by their bus, the text before the first ':' ("pci", "virtio"), when that part has no wildcard;
    // the others ("acpi*:...") are tried for every alias. A device's modalias is only compared with its own bus's
    // patterns: a PCI device with the 1,000 pci patterns of Debian's kernel, not with all 1,600.
    private readonly Dictionary<string, List<(string Pattern, string Module)>> _aliasesByBus = new(StringComparer.Ordinal);
    private readonly List<(string Pattern, string Module)> _aliasesAnyBus = [];
    private readonly HashSet<string> _builtin = new(StringComparer.Ordinal);

    private ModuleIndex(string directory) => Directory = directory;

    public string Directory { get; }

    public int Count => _files.Count;

    public static string DirectoryFor(string release, string root = "/") => Path.Combine(root, "lib/modules", release);

    public static ModuleIndex Load(string directory)
    {
        var index = new ModuleIndex(directory);
        foreach (var line in ReadLines(directory, "modules.dep"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var name = NameOf(line[..colon]);
            index._files[name] = line[..colon];
            index._dependencies[name] = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(NameOf).ToArray();
        }
        foreach (var line in ReadLines(directory, "modules.alias"))
        {
            var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[0] == "alias")
            {
                index.AddAlias(parts[1], Normalize(parts[2]));
            }
        }
        foreach (var line in ReadLines(directory, "modules.softdep"))
        {
            // softdep NAME pre: a b post: c
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || parts[0] != "softdep")
            {
                continue;
            }
            var pre = parts.Skip(2).SkipWhile(p => p != "pre:").Skip(1).TakeWhile(p => !p.EndsWith(':')).Select(Normalize).ToArray();
            index._softPre[Normalize(parts[1])] = pre;
        }
        foreach (var line in ReadLines(directory, "modules.builtin"))
        {
            index._builtin.Add(NameOf(line.Trim()));
        }
        return index;
    }

    public static string Normalize(string name) => name.Replace('-', '_');

    /// <summary>kernel/fs/isofs/isofs.ko[.xz] -> isofs.</summary>
    public static string NameOf(string path)
    {
        var file = Path.GetFileName(path);
        var ko = file.IndexOf(".ko", StringComparison.Ordinal);
        return Normalize(ko < 0 ? file : file[..ko]);
    }

    public bool IsBuiltin(string name) => _builtin.Contains(Normalize(name));

    public bool Contains(string name) => _files.ContainsKey(Normalize(name));

    public string PathOf(string name) => Path.Combine(Directory, _files[Normalize(name)]);

    /// <summary>Modules <paramref name="name"/> needs, in the order to load them (deepest first).</summary>
    public IReadOnlyList<string> DependenciesOf(string name) =>
        _dependencies.TryGetValue(Normalize(name), out var deps) ? deps.Reverse().ToArray() : [];

    public IReadOnlyList<string> SoftPreOf(string name) =>
        _softPre.TryGetValue(Normalize(name), out var pre) ? pre : [];

    /// <summary>Modules whose alias patterns match a device's modalias (or a plain alias such as fs-vfat).</summary>
    public IReadOnlyList<string> Resolve(string alias)
    {
        var name = Normalize(alias);
        if (_files.ContainsKey(name) || _builtin.Contains(name))
        {
            return [name];
        }
        var colon = alias.IndexOf(':', StringComparison.Ordinal);
        var sameBus = colon > 0 && _aliasesByBus.TryGetValue(alias[..colon], out var patterns) ? patterns : [];
        return sameBus.Concat(_aliasesAnyBus).Where(a => Glob.Matches(a.Pattern, alias)).Select(a => a.Module).Distinct().ToArray();
    }

    private void AddAlias(string pattern, string module)
    {
        var colon = pattern.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && pattern.AsSpan(0, colon).IndexOfAny("*?[\\") < 0)
        {
            var bus = pattern[..colon];
            if (!_aliasesByBus.TryGetValue(bus, out var list))
            {
                _aliasesByBus[bus] = list = [];
            }
            list.Add((pattern, module));
        }
        else
        {
            _aliasesAnyBus.Add((pattern, module));
        }
    }

    private static IEnumerable<string> ReadLines(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#') : [];
    }
}
