namespace CorralOS.Config;

/// <summary>
/// Reads the layers in RancherOS's order and merges them (reference §4): os-config.yml, OEM, cloud-config.d/* by
/// name, cloud-config.yml, the kernel command line (rancher.*, cc.*), the elided init command line (EXTRA_CMDLINE),
/// the debug flags, then metadata, which only fills gaps. A layer with a wrong type or bad YAML is skipped whole and
/// reported; the others still apply, so a bad file never stops a boot. Unknown keys are reported and ignored.
/// </summary>
public sealed class ConfigLoader
{
    /// <summary>How the built-in defaults are named in problems when the image's file is missing.</summary>
    public const string BuiltInSource = "(built-in os-config.yml)";

    private readonly ConfigPaths _paths;

    public ConfigLoader(ConfigPaths paths) => _paths = paths;

    /// <summary>
    /// The merged config. <paramref name="includeDefaults"/> false leaves out os-config and OEM (export without --full);
    /// <paramref name="applyDebug"/> false leaves out the flags rancher.debug implies (export shows what was written).
    /// </summary>
    public LoadedConfig Load(bool includeDefaults = true, bool applyDebug = true)
    {
        var layers = new List<ConfigLayer>();
        var tree = YamlDocument.NewTree();

        // A compiled layer was checked when the build compiled it (CompiledOsConfig).
        void Apply(YamlDocument document, ConfigLayerKind kind, bool compiled = false)
        {
            var problems = compiled ? [] : ConfigSchema.Validate(document);
            var applied = problems.All(p => p.IsUnknownKey);
            if (applied)
            {
                // The first layer's tree is the document's own: nothing else holds it, so no copy.
                tree = tree.Count == 0 ? document.Tree : ConfigMerge.Merge(tree, document.Tree);
            }
            layers.Add(new ConfigLayer(document.File, kind, applied, problems));
        }

        if (includeDefaults)
        {
            var (defaults, compiled) = ReadDefaults();
            Apply(defaults, ConfigLayerKind.Defaults, compiled);
            if (File.Exists(_paths.OemConfig))
            {
                Apply(Read(_paths.OemConfig), ConfigLayerKind.Defaults);
            }
        }
        foreach (var file in CloudConfigDFiles())
        {
            Apply(Read(file), ConfigLayerKind.User);
        }
        if (File.Exists(_paths.CloudConfig))
        {
            Apply(Read(_paths.CloudConfig), ConfigLayerKind.User);
        }
        if (File.Exists(_paths.Cmdline))
        {
            Apply(YamlDocument.FromTree(KernelCmdline.Read(_paths.Cmdline), _paths.Cmdline), ConfigLayerKind.User);
        }
        if (tree.GetValueOrDefault("EXTRA_CMDLINE") is string { Length: > 0 } extra)
        {
            Apply(YamlDocument.FromTree(KernelCmdline.Parse(extra), "EXTRA_CMDLINE"), ConfigLayerKind.User);
        }
        if (applyDebug && ConfigTree.GetBool(tree, "rancher.debug"))
        {
            foreach (var key in (string[])["rancher.docker.debug", "rancher.system_docker.debug", "rancher.bootstrap_docker.debug", "rancher.log"])
            {
                ConfigTree.Set(tree, key, true);
            }
        }
        if (includeDefaults)
        {
            SystemEnvironment.Fill(tree);
        }
        if (File.Exists(_paths.Metadata))
        {
            var metadata = Read(_paths.Metadata);
            layers.Add(new ConfigLayer(metadata.File, ConfigLayerKind.User, metadata.SyntaxProblems.Count == 0, metadata.SyntaxProblems));
            MetadataMerge.Apply(tree, metadata.Tree);
        }
        return new LoadedConfig(tree, layers);
    }

    /// <summary>os-config.yml: the build's compiled tree of it when there is one for these bytes, else its YAML.</summary>
    private (YamlDocument Document, bool Compiled) ReadDefaults()
    {
        if (!File.Exists(_paths.OsConfig))
        {
            return (YamlDocument.Parse(BuiltInOsConfig.Text, BuiltInSource), false);
        }
        try
        {
            if (CompiledOsConfig.TryRead(_paths.OsConfig, File.ReadAllBytes(_paths.OsConfig)) is { } tree)
            {
                return (new YamlDocument(_paths.OsConfig, null, tree, []) { HasPositions = false }, true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read below reports it.
        }
        return (Read(_paths.OsConfig), false);
    }

    /// <summary>Every non-hidden regular file in cloud-config.d, in name (byte) order.</summary>
    private IEnumerable<string> CloudConfigDFiles() =>
        Directory.Exists(_paths.CloudConfigDirectory)
            ? new DirectoryInfo(_paths.CloudConfigDirectory).EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.'))
                .Select(f => f.FullName)
                .Order(StringComparer.Ordinal)
            : [];

    private static YamlDocument Read(string path)
    {
        try
        {
            return YamlDocument.Parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new YamlDocument(path, null, YamlDocument.NewTree(), [new ConfigProblem(path, null, null, "", e.Message) { IsUnreadable = e is UnauthorizedAccessException }]);
        }
    }
}
