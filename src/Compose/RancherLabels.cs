namespace CorralOS.Compose;

/// <summary>Where a service runs: System Docker (the OS's engine) or User Docker.</summary>
public enum ServiceScope
{
    User,
    System,
}

/// <summary>io.docker.compose.rebuild: when an existing container is replaced.</summary>
public enum RebuildPolicy
{
    /// <summary>The default: recreated when its definition or image changed.</summary>
    OnChange,

    /// <summary>"always": recreated on every up (the default console is ephemeral this way).</summary>
    Always,

    /// <summary>"false": never recreated, even if changed (persistent consoles); only a console switch replaces it.</summary>
    Never,
}

/// <summary>
/// The labels RancherOS gave meaning to (reference §1.6), read from a service's labels. Values are checked by the
/// parser (<see cref="Problems"/>); reading is lenient, as RancherOS was: anything but "false" is the default.
/// </summary>
public readonly struct RancherLabels
{
    public const string Scope = "io.rancher.os.scope";
    public const string After = "io.rancher.os.after";
    public const string Before = "io.rancher.os.before";
    public const string Detach = "io.rancher.os.detach";
    public const string CreateOnly = "io.rancher.os.createonly";
    public const string ReloadConfig = "io.rancher.os.reloadconfig";
    public const string Console = "io.rancher.os.console";

    /// <summary>CorralOS's: the engine a `docker` service runs (docs/user-docker.md, `ros engine list`).</summary>
    public const string Engine = "io.rancher.os.engine";
    public const string Rebuild = "io.docker.compose.rebuild";

    /// <summary>Labels under io.rancher.os. that RancherOS read (and CorralOS's engine label); others there are reported as unknown.</summary>
    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Scope, After, Before, Detach, CreateOnly, ReloadConfig, Console, Engine,
        "io.rancher.os.remove", "io.rancher.os.hash",
    };

    private readonly IReadOnlyDictionary<string, string> _labels;

    public RancherLabels(IReadOnlyDictionary<string, string> labels) => _labels = labels;

    public ServiceScope ServiceScope => Get(Scope) == "system" ? ServiceScope.System : ServiceScope.User;

    /// <summary>Services this one starts after; `cloud-init` is RancherOS's alias of `cloud-init-execute`.</summary>
    public IReadOnlyList<string> StartsAfter => List(After);

    /// <summary>Services that start after this one.</summary>
    public IReadOnlyList<string> StartsBefore => List(Before);

    /// <summary>False for one-shot services: up waits for the exit and fails on a non-zero status.</summary>
    public bool IsDetached => !IsFalse(Get(Detach));

    public bool IsCreateOnly => IsTrue(Get(CreateOnly));

    public bool IsReloadConfig => IsTrue(Get(ReloadConfig));

    public string? ConsoleName => Get(Console);

    public RebuildPolicy RebuildPolicy => Get(Rebuild)?.Trim().ToLowerInvariant() switch
    {
        "always" => RebuildPolicy.Always,
        "false" => RebuildPolicy.Never,
        _ => RebuildPolicy.OnChange,
    };

    /// <summary>What is wrong with the values of the known labels: (label, message) pairs.</summary>
    public static IEnumerable<(string Label, string Message)> Problems(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in labels)
        {
            var message = key switch
            {
                Scope when value is not ("system" or "user") => $"expected system or user, got \"{value}\"",
                Detach or CreateOnly or ReloadConfig when !IsTrue(value) && !IsFalse(value) => $"expected \"true\" or \"false\", got \"{value}\"",
                Rebuild when value.Trim().ToLowerInvariant() is not ("always" or "false" or "true" or "on change" or "on-change" or "") => $"expected always, false or true, got \"{value}\"",
                _ when key.StartsWith("io.rancher.os.", StringComparison.Ordinal) && !Known.Contains(key) => "unknown io.rancher.os label",
                _ => null,
            };
            if (message is not null)
            {
                yield return (key, message);
            }
        }
    }

    private string? Get(string key) => _labels is not null && _labels.TryGetValue(key, out var value) ? value : null;

    private List<string> List(string key) =>
        (Get(key) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => name == "cloud-init" ? "cloud-init-execute" : name)
            .ToList();

    private static bool IsTrue(string? value) => value?.Trim().ToLowerInvariant() is "true" or "yes" or "1";

    private static bool IsFalse(string? value) => value?.Trim().ToLowerInvariant() is "false" or "no" or "0";
}
