using CorralOS.Config.Model;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CorralOS.Config;

/// <summary>The result of a load: the merged tree, the typed model over it, and what each layer did.</summary>
public sealed class LoadedConfig
{
    private static readonly IDeserializer s_deserializer = new StaticDeserializerBuilder(new ConfigYamlContext())
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties() // unknown keys of applied layers stay in the tree, not in the model
        .Build();

    private CloudConfig? _model;

    public LoadedConfig(Dictionary<string, object?> tree, IReadOnlyList<ConfigLayer> layers)
    {
        Tree = tree;
        Layers = layers;
    }

    public Dictionary<string, object?> Tree { get; }

    public IReadOnlyList<ConfigLayer> Layers { get; }

    /// <summary>Problems of every layer in load order: those of skipped layers, and unknown keys of applied ones.</summary>
    public IEnumerable<ConfigProblem> Problems => Layers.SelectMany(l => l.Problems);

    /// <summary>The merged config as C# types. Only valid layers were merged, so this conversion cannot fail on types.</summary>
    public CloudConfig Model => _model ??= Bind(Tree);

    /// <summary>
    /// The model of only these parts of the merged config (dotted keys; the rest of the model stays empty). An applet
    /// that needs one section binds that: the whole tree is mostly rancher.services, and binding it (written out as
    /// YAML, then read into the types) was two thirds of a system container's entrypoint under software emulation.
    /// </summary>
    public CloudConfig ModelOf(params string[] dottedKeys)
    {
        var part = YamlDocument.NewTree();
        foreach (var key in dottedKeys)
        {
            if (ConfigTree.Get(Tree, key) is { } value)
            {
                ConfigTree.Set(part, key, value);
            }
        }
        return part.Count == 0 ? new CloudConfig() : Bind(part);
    }

    public static CloudConfig Bind(IReadOnlyDictionary<string, object?> tree) =>
        s_deserializer.Deserialize<CloudConfig?>(ConfigYaml.Write(tree)) ?? new CloudConfig();

    /// <summary>A subtree (such as rancher.services) with ${VAR} replaced from rancher.environment.</summary>
    public object? Interpolated(string dottedKey) => Interpolation.Apply(ConfigTree.Get(Tree, dottedKey), Interpolation.Environment(Tree));
}
