using System.CommandLine;
using CorralOS.Compose;
using CorralOS.Config;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros config` (alias `ros c`): read the merged configuration and change cloud-config.yml, as RancherOS's
/// `ros config` does. Writes go through <see cref="CloudConfigStore"/> (locked, validated, atomic).
/// </summary>
internal static class ConfigApplet
{
    private const string StdinName = "<stdin>";

    public static Applet Create() => new("config", "Get, set, merge, export and validate the cloud-config", command =>
    {
        command.Aliases.Add("c");
        var root = ConfigRoot.Option(recursive: true);
        command.Options.Add(root);
        ConfigPaths Paths(ParseResult parse)
        {
            return ConfigRoot.Paths(parse.GetValue(root));
        }

        command.Subcommands.Add(Get(Paths));
        command.Subcommands.Add(Set(Paths));
        command.Subcommands.Add(Merge(Paths));
        command.Subcommands.Add(Export(Paths));
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(Images(Paths));
        command.Subcommands.Add(CompileDefaults());
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Error.WriteLine("config: a subcommand is required; see 'ros config --help'");
            return 2;
        });
    });

    private static Command Get(Func<ParseResult, ConfigPaths> paths)
    {
        var key = new Argument<string>("key") { Description = "Dotted key, such as rancher.network.dns.nameservers" };
        var command = new Command("get", "Print a key of the merged config: scalars as text, maps and lists as YAML, nothing if unset (or a kernel command line parameter: rancher.password, rancher.autologin)") { key };
        command.SetAction(parse =>
        {
            if (LoadReadable(parse, paths(parse)) is not { } loaded)
            {
                return 1;
            }
            var value = ConfigTree.Get(CommandLineOnlyKeys.Without(loaded.Tree), parse.GetValue(key)!);
            var output = parse.InvocationConfiguration.Output;
            if (value is IReadOnlyDictionary<string, object?> or IReadOnlyList<object?>)
            {
                output.Write(ConfigYaml.Write(value));
            }
            else
            {
                output.WriteLine(ConfigYaml.FormatScalar(value));
            }
            return 0;
        });
        return command;
    }

    private static Command Set(Func<ParseResult, ConfigPaths> paths)
    {
        var key = new Argument<string>("key") { Description = "Dotted key; missing maps are created" };
        var value = new Argument<string>("value") { Description = "YAML-typed value: text, 5, true, [a,b], []" };
        var command = new Command("set", "Set a key in cloud-config.yml (checked against the schema first)") { key, value };
        command.SetAction(parse => Write(parse, paths(parse), tree =>
            ConfigTree.Set(tree, parse.GetValue(key)!, KernelCmdline.ParseValue(parse.GetValue(value)!))));
        return command;
    }

    private static Command Merge(Func<ParseResult, ConfigPaths> paths)
    {
        var input = InputOption("YAML to merge (default: standard input)");
        var command = new Command("merge", "Deep-merge YAML into cloud-config.yml: maps merge, lists and scalars replace") { input };
        command.SetAction(parse =>
        {
            var document = ReadInput(parse.GetValue(input));
            if (Report(ConfigSchema.Validate(document), parse) is { } failed)
            {
                return failed;
            }
            return Write(parse, paths(parse), tree =>
            {
                var merged = ConfigMerge.Merge(tree, document.Tree);
                tree.Clear();
                foreach (var (k, v) in merged)
                {
                    tree[k] = v;
                }
            });
        });
        return command;
    }

    private static Command Export(Func<ParseResult, ConfigPaths> paths)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (mode 0400) instead of standard output" };
        var includePrivate = new Option<bool>("--private", "-p") { Description = "Keep SSH host keys and Docker TLS keys and certificates" };
        var full = new Option<bool>("--full", "-f") { Description = "Include the built-in defaults (os-config.yml, OEM)" };
        var command = new Command("export", "Print the user's config (passwords and, unless --private, keys left out)") { output, includePrivate, full };
        command.SetAction(parse =>
        {
            if (LoadReadable(parse, paths(parse), includeDefaults: parse.GetValue(full), applyDebug: false) is not { } loaded)
            {
                return 1;
            }
            var text = ConfigYaml.Write(ConfigExport.Filter(loaded.Tree, parse.GetValue(includePrivate)));
            if (parse.GetValue(output) is { } file)
            {
                CloudConfigStore.WriteAtomically(file, text, UnixFileMode.UserRead);
            }
            else
            {
                parse.InvocationConfiguration.Output.Write(text);
            }
            return 0;
        });
        return command;
    }

    private static Command Validate()
    {
        var input = InputOption("YAML to check (default: standard input)");
        var command = new Command("validate", "Check a cloud-config file; print every problem as file:line:col: key: message") { input };
        command.SetAction(parse =>
        {
            var document = ReadInput(parse.GetValue(input));
            // The schema sees services only as maps; their fields are the compose parser's (docs/services.md).
            var problems = ConfigSchema.Validate(document);
            problems.AddRange(ComposeParser.ValidateConfigLayer(document, Interpolation.Environment(document.Tree)));
            return Report(problems, parse) ?? 0;
        });
        return command;
    }

    // The build's step (build/initrd.sh): os-config.yml's tree as JSON beside it, which every config load then reads.
    private static Command CompileDefaults()
    {
        var source = new Argument<string>("os-config") { Description = "The os-config.yml to compile" };
        var command = new Command("compile-defaults", "Write os-config.yml's tree as the JSON config loads read instead (build step)") { source };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var file = parse.GetValue(source)!;
            try
            {
                CompiledOsConfig.Compile(file, CompiledOsConfig.PathFor(file));
                return 0;
            }
            catch (InvalidDataException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"config compile-defaults: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Images(Func<ParseResult, ConfigPaths> paths)
    {
        var input = InputOption("A config file (default: the merged config)");
        var command = new Command("images", "Print the images of rancher.bootstrap and rancher.services, sorted, space-separated") { input };
        command.SetAction(parse =>
        {
            IReadOnlyDictionary<string, object?> tree;
            if (parse.GetValue(input) is { } file)
            {
                var document = ReadInput(file);
                if (Report(ConfigSchema.Validate(document), parse) is { } failed)
                {
                    return failed;
                }
                var merged = ConfigMerge.Merge(YamlDocument.Parse(BuiltInOsConfig.Text, ConfigLoader.BuiltInSource).Tree, document.Tree);
                SystemEnvironment.Fill(merged);
                tree = merged;
            }
            else if (LoadReadable(parse, paths(parse)) is { } loaded)
            {
                tree = loaded.Tree;
            }
            else
            {
                return 1;
            }
            var environment = Interpolation.Environment(tree);
            var images = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var section in (string[])["rancher.bootstrap", "rancher.services"])
            {
                if (ConfigTree.Get(tree, section) is IReadOnlyDictionary<string, object?> services)
                {
                    foreach (var service in services.Values.OfType<IReadOnlyDictionary<string, object?>>())
                    {
                        if (service.GetValueOrDefault("image") is string { Length: > 0 } image)
                        {
                            images.Add(Interpolation.Apply(image, environment));
                        }
                    }
                }
            }
            parse.InvocationConfiguration.Output.WriteLine(string.Join(' ', images));
            return 0;
        });
        return command;
    }

    private static Option<string?> InputOption(string description) => new("--input", "-i") { Description = description };

    private static YamlDocument ReadInput(string? file) =>
        file is null or "-" ? YamlDocument.Parse(System.Console.In.ReadToEnd(), StdinName) : YamlDocument.Parse(File.ReadAllText(file), file);

    private static int Write(ParseResult parse, ConfigPaths paths, Action<Dictionary<string, object?>> change)
    {
        try
        {
            new CloudConfigStore(paths).Update(change);
            return 0;
        }
        catch (ConfigValidationException e)
        {
            return Report(e.Problems, parse) ?? 1;
        }
    }

    /// <summary>
    /// The merged config, or null after naming each layer this user may not read: without sudo, cloud-config.yml
    /// (0600) would otherwise be left out in silence and a key it sets would print as unset.
    /// </summary>
    private static LoadedConfig? LoadReadable(ParseResult parse, ConfigPaths paths, bool includeDefaults = true, bool applyDebug = true)
    {
        var loaded = new ConfigLoader(paths).Load(includeDefaults, applyDebug);
        var unreadable = loaded.Problems.Where(p => p.IsUnreadable).ToList();
        foreach (var problem in unreadable)
        {
            parse.InvocationConfiguration.Error.WriteLine($"config: cannot read {problem.File}: permission denied (run it as root, e.g. with sudo)");
        }
        return unreadable.Count == 0 ? loaded : null;
    }

    /// <summary>Prints each problem on its own line; null when there are none.</summary>
    private static int? Report(IReadOnlyList<ConfigProblem> problems, ParseResult parse)
    {
        foreach (var problem in problems)
        {
            parse.InvocationConfiguration.Error.WriteLine(problem.ToString());
        }
        return problems.Count > 0 ? 1 : null;
    }
}
