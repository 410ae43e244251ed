using System.Net;
using CorralOS.Config.Model;

namespace CorralOS.Network;

/// <summary>
/// What netconf applies, read from the merged config: rancher.network with rancher.defaults filling the gaps, and the
/// host name. Entries that do not parse are left out and listed in <see cref="Problems"/>, so one bad interface never
/// keeps the others down.
/// </summary>
public sealed record NetworkSettings
{
    /// <summary>When rancher.network.interfaces is empty: DHCP on every eth* link (reference §3.4).</summary>
    public static readonly IReadOnlyDictionary<string, InterfaceConfig> DefaultInterfaces =
        new Dictionary<string, InterfaceConfig> { ["eth*"] = new() { Dhcp = true } };

    public IReadOnlyList<InterfaceSettings> Interfaces { get; init; } = [];

    /// <summary>rancher.network.dns.nameservers: when set, written as is and DHCP's servers are not used.</summary>
    public IReadOnlyList<IPAddress> Nameservers { get; init; } = [];

    public IReadOnlyList<string> Search { get; init; } = [];

    /// <summary>rancher.defaults.network.dns.nameservers: used when neither the config nor DHCP gives any.</summary>
    public IReadOnlyList<IPAddress> DefaultNameservers { get; init; } = [];

    public int DhcpTimeoutSeconds { get; init; } = 10;

    public string? HttpProxy { get; init; }

    public string? HttpsProxy { get; init; }

    public string? NoProxy { get; init; }

    public IReadOnlyList<string> PreCmds { get; init; } = [];

    public IReadOnlyList<string> PostCmds { get; init; } = [];

    /// <summary>The top-level hostname: key; null lets DHCP name the host.</summary>
    public string? Hostname { get; init; }

    /// <summary>rancher.defaults.hostname, the last fallback.</summary>
    public string? DefaultHostname { get; init; }

    public IReadOnlyList<NetworkConfigException> Problems { get; init; } = [];

    /// <summary>The parts of the config <see cref="From"/> reads (for <c>LoadedConfig.ModelOf</c>).</summary>
    public static readonly string[] ConfigKeys = ["hostname", "rancher.network", "rancher.defaults"];

    public static NetworkSettings From(CloudConfig config)
    {
        var network = config.Rancher?.Network ?? new NetworkConfig();
        var defaults = config.Rancher?.Defaults;
        var problems = new List<NetworkConfigException>();
        var interfaces = new List<InterfaceSettings>();
        var entries = network.Interfaces is { Count: > 0 } configured ? configured : DefaultInterfaces;
        foreach (var (key, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            try
            {
                interfaces.Add(InterfaceSettings.Parse(key, entry ?? new InterfaceConfig()));
            }
            catch (NetworkConfigException e)
            {
                problems.Add(e);
            }
        }
        return new NetworkSettings
        {
            Interfaces = interfaces,
            Nameservers = Addresses("dns", "nameservers", network.Dns?.Nameservers, problems),
            Search = network.Dns?.Search?.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList() ?? [],
            DefaultNameservers = Addresses("defaults", "dns.nameservers", defaults?.Network?.Dns?.Nameservers, problems),
            DhcpTimeoutSeconds = network.DhcpTimeout ?? defaults?.Network?.DhcpTimeout ?? 10,
            HttpProxy = Blank(network.HttpProxy),
            HttpsProxy = Blank(network.HttpsProxy),
            NoProxy = Blank(network.NoProxy),
            PreCmds = network.PreCmds ?? [],
            PostCmds = network.PostCmds ?? [],
            Hostname = Blank(config.Hostname),
            DefaultHostname = Blank(defaults?.Hostname),
            Problems = problems,
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static List<IPAddress> Addresses(string subject, string field, List<string>? texts, List<NetworkConfigException> problems)
    {
        var addresses = new List<IPAddress>();
        foreach (var text in texts ?? [])
        {
            if (IPAddress.TryParse(text?.Trim(), out var address) && (text!.Contains(':', StringComparison.Ordinal) || text.Count('.') == 3))
            {
                addresses.Add(address);
            }
            else
            {
                problems.Add(new NetworkConfigException(subject, field, $"'{text}' is not an IP address"));
            }
        }
        return addresses;
    }
}
