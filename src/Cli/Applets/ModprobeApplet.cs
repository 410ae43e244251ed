using System.CommandLine;
using CorralOS.Init.Modules;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `modprobe`: loads a module (by name or alias) and what it needs; every module an alias matches is tried, and it
/// fails only when none loads. For users and containers (the console's `modprobe`, dockerd's); the kernel's own
/// requests (/sbin/modprobe -q -- ALIAS in PID 1's root) go to busybox's modprobe (build/initrd.sh).
/// </summary>
internal static class ModprobeApplet
{
    public static Applet Create() => new("modprobe", "Load kernel modules and their dependencies (by name or alias)", command =>
    {
        var module = new Argument<string>("module") { Description = "Module name or alias (fs-vfat, pci:v...)" };
        var parameters = new Argument<string[]>("parameters") { Description = "Module parameters (name=value), or more modules with -a", Arity = ArgumentArity.ZeroOrMore };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing when a module is not found" };
        var all = new Option<bool>("--all", "-a") { Description = "Load every module named, not one module with parameters" };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Print the files that would be loaded, load nothing" };
        var directory = new Option<string?>("--dirname", "-d") { Description = "Module directory root (default /)" };
        // dockerd runs `modprobe -va bridge br_netfilter`: -v is accepted, and -va bundles it with -a.
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Accepted for compatibility; changes nothing" };
        command.Arguments.Add(module);
        command.Arguments.Add(parameters);
        command.Options.Add(quiet);
        command.Options.Add(all);
        command.Options.Add(dryRun);
        command.Options.Add(directory);
        command.Options.Add(verbose);
        command.SetAction(parse =>
        {
            var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            var index = ModuleIndex.Load(ModuleIndex.DirectoryFor(release, parse.GetValue(directory) ?? "/"));
            var output = parse.InvocationConfiguration.Output;
            Func<string, string, bool>? load = parse.GetValue(dryRun)
                ? (file, args) =>
                {
                    output.WriteLine(args.Length == 0 ? $"insmod {file}" : $"insmod {file} {args}");
                    return true;
                }
                : null;
            var loader = new ModuleLoader(index, ModuleLoader.ReadLoaded(), load);
            var extra = parse.GetValue(parameters) ?? [];
            var requests = parse.GetValue(all)
                ? new[] { parse.GetValue(module)! }.Concat(extra).Select(name => (name, "")).ToArray()
                : [(parse.GetValue(module)!, string.Join(' ', extra))];
            foreach (var (name, args) in requests)
            {
                try
                {
                    loader.Load(name, args);
                }
                catch (FileNotFoundException) when (parse.GetValue(quiet))
                {
                    return 1;
                }
            }
            // Candidates of an alias the kernel refused while another one loaded: said, but not a failure.
            if (!parse.GetValue(quiet))
            {
                foreach (var refused in loader.Errors)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"modprobe: {refused}");
                }
            }
            return 0;
        });
    });
}
