using CorralOS.Config;
using YamlDotNet.RepresentationModel;
using YamlDocument = CorralOS.Config.YamlDocument;

namespace CorralOS.Compose;

/// <summary>
/// Reads compose service definitions: a file in the compose v1 form (service names at the top, as RancherOS's
/// catalog and rancher.services) or the <c>services:</c> form (with an optional <c>version</c> and named
/// <c>volumes</c>), or a services map already inside the config tree. <c>${VAR}</c> in values is replaced from
/// rancher.environment first. Every problem is collected with its file, line, column and dotted key.
/// </summary>
public static class ComposeParser
{
    private static readonly HashSet<string> s_servicesFormKeys = new(StringComparer.Ordinal) { "version", "services", "volumes", "networks" };

    /// <summary>A compose file's text; <paramref name="file"/> names it in problems.</summary>
    public static ComposeFile ParseFile(string text, string file, IReadOnlyDictionary<string, string> environment)
    {
        var document = YamlDocument.Parse(text, file);
        if (document.SyntaxProblems.Count > 0)
        {
            return new ComposeFile([], document.SyntaxProblems);
        }
        if (document.Root is not YamlMappingNode root)
        {
            return ComposeFile.Empty;
        }
        var where = new Where(file, true);
        if (IsServicesForm(root))
        {
            var problems = new List<ConfigProblem>();
            ComposeFile result = ComposeFile.Empty;
            foreach (var (keyNode, value) in root.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value!;
                switch (key)
                {
                    case "services":
                        result = ParseServices(value, "services", where, environment);
                        break;
                    case "version":
                        if (value is not YamlScalarNode)
                        {
                            problems.Add(where.Problem(value, "version", "expected a string"));
                        }
                        break;
                    case "volumes":
                        // Named volumes need no declaration here: the engine creates one on first use.
                        if (value is not YamlMappingNode and not YamlScalarNode { Value: "" or null })
                        {
                            problems.Add(where.Problem(value, "volumes", "expected a map of volume names"));
                        }
                        break;
                    default:
                        problems.Add(where.Problem(value, key, "networks are not supported: services use the host's network (net: host) or none"));
                        break;
                }
            }
            return new ComposeFile(result.Services, [.. problems, .. result.Problems]);
        }
        return ParseServices(root, "", where, environment);
    }

    /// <summary>A services map from the merged config tree (rancher.services); such a tree has no positions.</summary>
    public static ComposeFile ParseServices(IReadOnlyDictionary<string, object?> services, string file, string keyPrefix, IReadOnlyDictionary<string, string> environment) =>
        ParseServices(ConfigYaml.ToNode(services), keyPrefix, new Where(file, false), environment);

    /// <summary>
    /// The services maps of one config layer (rancher.services, rancher.bootstrap, rancher.cloud_init_services) with
    /// their positions in the layer's file: what `ros config validate` adds to the schema's problems.
    /// </summary>
    public static IReadOnlyList<ConfigProblem> ValidateConfigLayer(YamlDocument document, IReadOnlyDictionary<string, string> environment)
    {
        var problems = new List<ConfigProblem>();
        if (document.Root is not YamlMappingNode root || Child(root, "rancher") is not YamlMappingNode rancher)
        {
            return problems;
        }
        foreach (var section in (string[])["services", "bootstrap", "cloud_init_services"])
        {
            if (Child(rancher, section) is YamlMappingNode services)
            {
                problems.AddRange(ParseServices(services, "rancher." + section, new Where(document.File, document.HasPositions), environment).Problems);
            }
        }
        return problems;
    }

    private static ComposeFile ParseServices(YamlNode node, string keyPrefix, Where where, IReadOnlyDictionary<string, string> environment)
    {
        if (node is YamlScalarNode { Value: "" or "null" or "~" })
        {
            return ComposeFile.Empty;
        }
        if (node is not YamlMappingNode map)
        {
            return new ComposeFile([], [where.Problem(node, keyPrefix, "expected a map of service names to services")]);
        }
        var services = new List<ServiceDefinition>();
        var problems = new List<ConfigProblem>();
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                problems.Add(where.Problem(keyNode, keyPrefix, "service names must be non-empty strings"));
                continue;
            }
            var key = keyPrefix.Length == 0 ? name : $"{keyPrefix}.{name}";
            if (value is not YamlMappingNode fields)
            {
                problems.Add(where.Problem(value, key, "expected a map of service fields"));
                continue;
            }
            var reader = new ServiceReader(name, key, where, environment);
            var service = reader.Read(fields);
            problems.AddRange(reader.Problems);
            if (reader.Problems.All(p => p.IsUnknownKey))
            {
                services.Add(service);
            }
        }
        return new ComposeFile(services, problems);
    }

    // The services form has a `services:` map and nothing but version/volumes/networks beside it. A v1 file may
    // name a service "services", but then it is a service (it has image: or other fields, not services under it).
    private static bool IsServicesForm(YamlMappingNode root) =>
        Child(root, "services") is YamlMappingNode services
        && root.Children.Keys.All(k => k is YamlScalarNode { Value: { } key } && s_servicesFormKeys.Contains(key))
        && (Child(root, "version") is not null || services.Children.Values.All(v => v is YamlMappingNode));

    internal static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: { } k } && k == key).Value;

    /// <summary>The file problems are reported against, and whether its nodes carry real positions.</summary>
    internal sealed record Where(string File, bool HasPositions)
    {
        public ConfigProblem Problem(YamlNode node, string key, string message) =>
            HasPositions
                ? new ConfigProblem(File, (int)node.Start.Line, (int)node.Start.Column, key, message)
                : new ConfigProblem(File, null, null, key, message);

        public SourcePosition Position(YamlNode node) =>
            HasPositions ? new SourcePosition(File, (int)node.Start.Line, (int)node.Start.Column) : new SourcePosition(File, null, null);
    }
}
