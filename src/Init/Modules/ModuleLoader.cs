using CorralOS.Linux;

namespace CorralOS.Init.Modules;

/// <summary>Loads modules with their dependencies, and the drivers for the devices present (coldplug).</summary>
public sealed class ModuleLoader
{
    private readonly ModuleIndex _index;
    private readonly HashSet<string> _loaded;
    private readonly HashSet<string> _seenAliases = new(StringComparer.Ordinal);
    private readonly Func<string, string, bool> _loadFile;

    /// <param name="loadFile">Loads one file with parameters; returns false if the kernel already had it.</param>
    public ModuleLoader(ModuleIndex index, IEnumerable<string> alreadyLoaded, Func<string, string, bool>? loadFile = null)
    {
        _index = index;
        _loaded = new HashSet<string>(alreadyLoaded.Select(ModuleIndex.Normalize), StringComparer.Ordinal);
        _loadFile = loadFile ?? KernelModules.Load;
    }

    /// <summary>Modules this loader inserted, in order.</summary>
    public List<string> Inserted { get; } = [];

    /// <summary>Failures that did not stop the boot (a driver the kernel refused).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Names of modules in /proc/modules.</summary>
    /// <summary>
    /// A loader over the running kernel's modules (/lib/modules/$(uname -r)) that knows what is loaded already; null when
    /// this kernel has no module tree (<paramref name="release"/> says which kernel).
    /// </summary>
    public static ModuleLoader? ForRunningKernel(out string release)
    {
        release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var directory = ModuleIndex.DirectoryFor(release);
        return Directory.Exists(directory) ? new ModuleLoader(ModuleIndex.Load(directory), ReadLoaded()) : null;
    }

    public static IEnumerable<string> ReadLoaded(string procModules = "/proc/modules") =>
        File.Exists(procModules) ? File.ReadLines(procModules).Select(l => l.Split(' ', 2)[0]) : [];

    /// <summary>
    /// Loads a module by name or alias, dependencies first. Every module an alias matches is tried, as modprobe does:
    /// one the kernel refuses (crc32c_intel without SSE4.2 under plain TCG) goes to <see cref="Errors"/> and the next
    /// (crc32c_generic) still loads. Throws if nothing provides it, or the first failure if every candidate failed.
    /// </summary>
    public void Load(string nameOrAlias, string parameters = "")
    {
        var modules = _index.Resolve(nameOrAlias);
        if (modules.Count == 0)
        {
            throw new FileNotFoundException($"module {nameOrAlias} not found in {_index.Directory}");
        }
        var failures = new List<(string Module, IOException Error)>();
        foreach (var module in modules)
        {
            try
            {
                LoadWithDependencies(module, parameters);
            }
            catch (IOException e) when (modules.Count > 1)
            {
                failures.Add((module, e));
            }
        }
        if (failures.Count == modules.Count)
        {
            throw failures[0].Error;
        }
        Errors.AddRange(failures.Select(f => $"{f.Module}: {f.Error.Message}"));
    }

    /// <summary>Loads drivers for the modalias of every device on a bus of <paramref name="sysRoot"/> until no new ones appear.</summary>
    public int Coldplug(string sysRoot = "/sys", int maxRounds = 5)
    {
        var before = Inserted.Count;
        for (var round = 0; round < maxRounds; round++)
        {
            var insertedThisRound = Inserted.Count;
            foreach (var alias in ReadModaliases(sysRoot))
            {
                if (!_seenAliases.Add(alias))
                {
                    continue;
                }
                foreach (var module in _index.Resolve(alias))
                {
                    try
                    {
                        LoadWithDependencies(module, "");
                    }
                    catch (IOException e)
                    {
                        Errors.Add($"{module}: {e.Message}");
                    }
                }
            }
            // Loading a bus driver (virtio_pci) makes new devices appear; look again only if something changed.
            if (Inserted.Count == insertedThisRound)
            {
                break;
            }
        }
        return Inserted.Count - before;
    }

    private void LoadWithDependencies(string module, string parameters)
    {
        module = ModuleIndex.Normalize(module);
        if (_loaded.Contains(module) || _index.IsBuiltin(module))
        {
            return;
        }
        // A soft dependency may be an alias, as libcrc32c's "pre: crc32c": without the algorithm's module loaded first,
        // libcrc32c's init asks the kernel's usermode modprobe for it, which costs a process start per module.
        foreach (var pre in _index.SoftPreOf(module))
        {
            foreach (var candidate in _index.Resolve(pre))
            {
                try
                {
                    LoadWithDependencies(candidate, "");
                }
                catch (IOException e)
                {
                    Errors.Add($"{candidate}: {e.Message}");
                }
            }
        }
        foreach (var dependency in _index.DependenciesOf(module))
        {
            LoadWithDependencies(dependency, "");
        }
        _loaded.Add(module);
        try
        {
            if (_loadFile(_index.PathOf(module), parameters))
            {
                Inserted.Add(module);
            }
        }
        catch (IOException)
        {
            _loaded.Remove(module); // not in the kernel: a later request may try it again
            throw;
        }
    }

    /// <summary>
    /// The MODALIAS of every device on a bus, from /sys/bus/*/devices/*/uevent, as udev's coldplug trigger finds them.
    /// Not a walk of /sys/devices for modalias files: that reads every attribute directory of every device and took
    /// 2.8 s once under software emulation (30 ms this way). The CPU's alias (crc32c_intel and friends load through it)
    /// is in the cpu devices' uevent here, as /sys/devices/system/cpu/modalias was for the walk.
    /// </summary>
    private static List<string> ReadModaliases(string sysRoot)
    {
        var aliases = new List<string>();
        var buses = Path.Combine(sysRoot, "bus");
        if (!Directory.Exists(buses))
        {
            return aliases;
        }
        foreach (var bus in Directory.EnumerateDirectories(buses))
        {
            var devices = Path.Combine(bus, "devices");
            if (!Directory.Exists(devices))
            {
                continue;
            }
            // Each entry is a link to the device's directory under /sys/devices.
            foreach (var device in Directory.EnumerateFileSystemEntries(devices))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(device, "uevent")))
                    {
                        if (line.StartsWith("MODALIAS=", StringComparison.Ordinal) && line.Length > "MODALIAS=".Length)
                        {
                            aliases.Add(line["MODALIAS=".Length..].Trim());
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A device that went away, or one without a uevent file.
                }
            }
        }
        return aliases;
    }
}
