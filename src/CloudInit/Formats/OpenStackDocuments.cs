using System.Text.Json.Serialization;

namespace CorralOS.CloudInit.Formats;

/// <summary>openstack/latest/meta_data.json (config drive and metadata service alike).</summary>
internal sealed class OpenStackMetaData
{
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Key name to OpenSSH public key.</summary>
    [JsonPropertyName("public_keys")]
    public Dictionary<string, string>? PublicKeys { get; set; }

    [JsonPropertyName("keys")]
    public List<OpenStackKey>? Keys { get; set; }
}

internal sealed class OpenStackKey
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("data")]
    public string? Data { get; set; }
}

/// <summary>openstack/latest/network_data.json: links (NICs, bonds, VLANs), networks on them, DNS services.</summary>
internal sealed class OpenStackNetworkData
{
    [JsonPropertyName("links")]
    public List<OpenStackLink>? Links { get; set; }

    [JsonPropertyName("networks")]
    public List<OpenStackNetwork>? Networks { get; set; }

    [JsonPropertyName("services")]
    public List<OpenStackService>? Services { get; set; }
}

internal sealed class OpenStackLink
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("ethernet_mac_address")]
    public string? MacAddress { get; set; }

    [JsonPropertyName("mtu")]
    public int? Mtu { get; set; }
}

internal sealed class OpenStackNetwork
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>ipv4, ipv6, ipv4_dhcp, ipv6_dhcp, ipv6_slaac.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("link")]
    public string? Link { get; set; }

    [JsonPropertyName("ip_address")]
    public string? IpAddress { get; set; }

    [JsonPropertyName("netmask")]
    public string? Netmask { get; set; }

    [JsonPropertyName("routes")]
    public List<OpenStackRoute>? Routes { get; set; }
}

internal sealed class OpenStackRoute
{
    [JsonPropertyName("network")]
    public string? Network { get; set; }

    [JsonPropertyName("netmask")]
    public string? Netmask { get; set; }

    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }
}

internal sealed class OpenStackService
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("address")]
    public string? Address { get; set; }
}
