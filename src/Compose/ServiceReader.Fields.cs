using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CorralOS.Compose;

/// <summary>The table of known fields: one reader per compose key (the list plus a few compose v1 aliases).</summary>
internal sealed partial class ServiceReader
{
    private static readonly Dictionary<string, Action<ServiceReader, ServiceDefinition, Field>> s_fields = new(StringComparer.Ordinal)
    {
        ["image"] = (r, s, f) => s.Image = r.String(f),
        ["command"] = (r, s, f) => s.Command = r.Command(f),
        ["entrypoint"] = (r, s, f) => s.Entrypoint = r.Command(f),
        ["environment"] = (r, s, f) => s.Environment = r.Environment(f),
        ["env_file"] = (r, s, f) => s.EnvFile = r.Strings(f),
        ["labels"] = (r, s, f) => s.Labels = r.Labels(f),
        ["volumes"] = (r, s, f) => s.Volumes = r.Volumes(f),
        ["volumes_from"] = (r, s, f) => s.VolumesFrom = r.Strings(f),
        ["net"] = (r, s, f) => s.NetworkMode = r.Mode(f, allowNetworks: true),
        ["network_mode"] = (r, s, f) => s.NetworkMode = r.Mode(f, allowNetworks: true),
        ["pid"] = (r, s, f) => s.Pid = r.Mode(f, allowNetworks: false),
        ["ipc"] = (r, s, f) => s.Ipc = r.Mode(f, allowNetworks: false),
        ["uts"] = (r, s, f) => s.Uts = r.Mode(f, allowNetworks: false),
        ["privileged"] = (r, s, f) => s.Privileged = r.Bool(f),
        ["restart"] = (r, s, f) => s.Restart = r.RestartPolicy(f),
        ["cap_add"] = (r, s, f) => s.CapAdd = r.Strings(f),
        ["cap_drop"] = (r, s, f) => s.CapDrop = r.Strings(f),
        ["devices"] = (r, s, f) => s.Devices = r.Strings(f),
        ["links"] = (r, s, f) => s.Links = r.Strings(f),
        ["external_links"] = (r, s, f) => s.Links.AddRange(r.Strings(f)),
        ["depends_on"] = (r, s, f) => s.DependsOn = r.DependsOn(f),
        ["read_only"] = (r, s, f) => s.ReadOnly = r.Bool(f),
        ["tmpfs"] = (r, s, f) => s.Tmpfs = r.Strings(f),
        ["ulimits"] = (r, s, f) => s.Ulimits = r.Ulimits(f),
        ["log_driver"] = (r, s, f) => s.LogDriver = r.String(f),
        ["log_opt"] = (r, s, f) => s.LogOptions = r.StringMap(f),
        ["logging"] = (r, s, f) => r.Logging(s, f),
        ["user"] = (r, s, f) => s.User = r.String(f),
        ["working_dir"] = (r, s, f) => s.WorkingDir = r.String(f),
        ["hostname"] = (r, s, f) => s.Hostname = r.String(f),
        ["domainname"] = (r, s, f) => s.DomainName = r.String(f),
        ["container_name"] = (r, s, f) => s.ContainerName = r.String(f),
        ["oom_score_adj"] = (r, s, f) => s.OomScoreAdj = (int?)r.Integer(f, -1000, 1000),
        ["mem_limit"] = (r, s, f) => s.MemLimit = r.Bytes(f),
        ["cpu_shares"] = (r, s, f) => s.CpuShares = r.Integer(f, 0),
        ["tty"] = (r, s, f) => s.Tty = r.Bool(f),
        ["stdin_open"] = (r, s, f) => s.StdinOpen = r.Bool(f),
        ["dns"] = (r, s, f) => s.Dns = r.Strings(f),
        ["dns_search"] = (r, s, f) => s.DnsSearch = r.Strings(f),
        ["extra_hosts"] = (r, s, f) => s.ExtraHosts = r.ExtraHosts(f),
        ["stop_signal"] = (r, s, f) => s.StopSignal = r.String(f),
        ["stop_grace_period"] = (r, s, f) => s.StopGracePeriod = r.Duration(f),
    };

    /// <summary>The compose keys this parser reads (documentation and tests list them from here).</summary>
    public static IEnumerable<string> KnownFields => s_fields.Keys;

    /// <summary>
    /// Bare names (<c>- HTTP_PROXY</c>, or a map entry without a value) take their value from rancher.environment;
    /// <c>NAME*</c> takes every variable with that prefix. A bare name that is not set there is left out.
    /// </summary>
    private List<string> Environment(Field field)
    {
        var result = new List<string>();
        foreach (var (key, value, _) in Pairs(field, "variable"))
        {
            if (value is not null)
            {
                result.Add($"{key}={value}");
            }
            else if (key.EndsWith('*'))
            {
                var prefix = key[..^1];
                result.AddRange(_environment.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            }
            else if (_environment.TryGetValue(key, out var fromConfig))
            {
                result.Add($"{key}={fromConfig}");
            }
        }
        return result;
    }

    private Dictionary<string, string> Labels(Field field) => StringMap(field);

    private Dictionary<string, string> StringMap(Field field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value, _) in Pairs(field, "label"))
        {
            result[key] = value ?? "";
        }
        return result;
    }

    private List<string> Volumes(Field field)
    {
        var volumes = Strings(field);
        if (field.Node is YamlSequenceNode sequence)
        {
            for (var i = 0; i < volumes.Count && i < sequence.Children.Count; i++)
            {
                var parts = volumes[i].Split(':');
                var target = parts.Length == 1 ? parts[0] : parts[1];
                if (parts.Length > 3 || !target.StartsWith('/'))
                {
                    Problem(field, sequence.Children[i], $"expected /host:/container[:options], name:/container[:options] or /container, got \"{volumes[i]}\"");
                }
            }
        }
        return volumes;
    }

    private string? Mode(Field field, bool allowNetworks)
    {
        var mode = String(field);
        if (mode is null or "" or "host" || mode.StartsWith("container:", StringComparison.Ordinal) && mode.Length > "container:".Length
            || mode.StartsWith("service:", StringComparison.Ordinal) && mode.Length > "service:".Length)
        {
            return mode;
        }
        if (allowNetworks && mode is "none" or "bridge" or "default")
        {
            return mode;
        }
        if (!allowNetworks && mode is "private" or "shareable")
        {
            return mode;
        }
        Problem(field, field.Node, allowNetworks
            ? $"expected host, none, bridge or container:NAME, got \"{mode}\""
            : $"expected host or container:NAME, got \"{mode}\"");
        return null;
    }

    private string? RestartPolicy(Field field)
    {
        var policy = String(field);
        if (policy is null || RestartPattern().IsMatch(policy))
        {
            return policy;
        }
        Problem(field, field.Node, $"expected no, always, unless-stopped or on-failure[:N], got \"{policy}\"");
        return null;
    }

    /// <summary>depends_on: a list of names, or the long form (a map of names to {condition: ...}).</summary>
    private List<string> DependsOn(Field field)
    {
        if (field.Node is YamlMappingNode map)
        {
            return map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").Where(k => k.Length > 0).ToList();
        }
        return Strings(field);
    }

    private Dictionary<string, Ulimit> Ulimits(Field field)
    {
        var result = new Dictionary<string, Ulimit>(StringComparer.Ordinal);
        if (IsNull(field.Node))
        {
            return result;
        }
        if (field.Node is not YamlMappingNode map)
        {
            Problem(field, field.Node, $"expected a map of limit names, got {Kind(field.Node)}");
            return result;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            var item = new Field($"{field.Name}.{name}", value);
            if (value is YamlMappingNode pair)
            {
                var soft = ComposeParser.Child(pair, "soft") is { } s ? Integer(item with { Node = s }) : null;
                var hard = ComposeParser.Child(pair, "hard") is { } h ? Integer(item with { Node = h }) : null;
                if (soft is null || hard is null || pair.Children.Count != 2)
                {
                    Problem(item, value, "expected {soft: N, hard: N}");
                    continue;
                }
                result[name] = new Ulimit(soft.Value, hard.Value);
            }
            else if (Integer(item) is { } both)
            {
                result[name] = new Ulimit(both, both);
            }
        }
        return result;
    }

    private void Logging(ServiceDefinition service, Field field)
    {
        if (field.Node is not YamlMappingNode map)
        {
            Problem(field, field.Node, $"expected a map with driver and options, got {Kind(field.Node)}");
            return;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            switch ((keyNode as YamlScalarNode)?.Value)
            {
                case "driver":
                    service.LogDriver = String(new Field("logging.driver", value));
                    break;
                case "options":
                    service.LogOptions = StringMap(new Field("logging.options", value));
                    break;
                default:
                    Problems.Add(_where.Problem(keyNode, $"{_key}.logging.{(keyNode as YamlScalarNode)?.Value}", "unknown key") with { IsUnknownKey = true });
                    break;
            }
        }
    }

    private List<string> ExtraHosts(Field field) =>
        field.Node is YamlMappingNode ? Pairs(field, "host").Select(p => $"{p.Key}:{p.Value}").ToList() : Strings(field);

    /// <summary>A size in bytes: a number, or a number with b, k, m or g (either case, optional trailing b).</summary>
    private long? Bytes(Field field)
    {
        if (IsNull(field.Node))
        {
            return null;
        }
        var text = Text(field, field.Node, "a size");
        if (text is null)
        {
            return null;
        }
        var match = SizePattern().Match(text.Trim());
        if (match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var unit = match.Groups[2].Value.ToLowerInvariant().TrimEnd('b');
            var multiplier = unit switch { "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, _ => 1L };
            return number * multiplier;
        }
        Problem(field, field.Node, $"expected a size such as 512m, 1g or a number of bytes, got \"{text}\"");
        return null;
    }

    /// <summary>A compose duration (1m30s, 10s, 500ms, 2h): whole seconds, a fraction rounded up.</summary>
    private int? Duration(Field field)
    {
        if (IsNull(field.Node))
        {
            return null;
        }
        var text = Text(field, field.Node, "a duration");
        if (text is null)
        {
            return null;
        }
        var parts = DurationPattern().Match(text.Trim());
        if (parts.Success && parts.Groups[1].Captures.Count > 0)
        {
            var total = 0.0;
            for (var i = 0; i < parts.Groups[1].Captures.Count; i++)
            {
                var number = double.Parse(parts.Groups[1].Captures[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                total += number * parts.Groups[2].Captures[i].Value switch { "h" => 3600, "m" => 60, "s" => 1, "ms" => 1e-3, _ => 1e-6 };
            }
            return (int)Math.Ceiling(total);
        }
        Problem(field, field.Node, $"expected a duration such as 30s, 1m30s or 500ms, got \"{text}\"");
        return null;
    }

    [GeneratedRegex("^(?:([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s|us))+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex("^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")]
    private static partial Regex RestartPattern();

    [GeneratedRegex("^([0-9]+)\\s*([bBkKmMgG][bB]?)?$")]
    private static partial Regex SizePattern();
}
