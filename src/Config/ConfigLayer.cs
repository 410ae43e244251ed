namespace CorralOS.Config;

/// <summary>Which layers a load includes: the defaults (os-config, OEM) are left out of `ros config export` without --full.</summary>
public enum ConfigLayerKind
{
    Defaults,
    User,
}

/// <summary>One source that took part in a load, and whether it applied or was skipped for its problems.</summary>
public sealed record ConfigLayer(string Source, ConfigLayerKind Kind, bool Applied, IReadOnlyList<ConfigProblem> Problems);
