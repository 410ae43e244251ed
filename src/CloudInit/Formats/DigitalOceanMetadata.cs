using System.Text.Json.Serialization;

namespace CorralOS.CloudInit.Formats;

/// <summary>metadata/v1.json.</summary>
internal sealed class DigitalOceanMetadata
{
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("user_data")]
    public string? UserData { get; set; }

    [JsonPropertyName("public_keys")]
    public List<string>? PublicKeys { get; set; }

    [JsonPropertyName("interfaces")]
    public DigitalOceanInterfaces? Interfaces { get; set; }

    [JsonPropertyName("dns")]
    public DigitalOceanDns? Dns { get; set; }
}

internal sealed class DigitalOceanInterfaces
{
    [JsonPropertyName("public")]
    public List<DigitalOceanInterface>? Public { get; set; }

    [JsonPropertyName("private")]
    public List<DigitalOceanInterface>? Private { get; set; }
}

internal sealed class DigitalOceanInterface
{
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    [JsonPropertyName("ipv4")]
    public DigitalOceanAddress? Ipv4 { get; set; }

    [JsonPropertyName("ipv6")]
    public DigitalOceanAddress? Ipv6 { get; set; }

    /// <summary>The floating-IP anchor address, an extra IPv4 address on the public interface.</summary>
    [JsonPropertyName("anchor_ipv4")]
    public DigitalOceanAddress? AnchorIpv4 { get; set; }
}

internal sealed class DigitalOceanAddress
{
    [JsonPropertyName("ip_address")]
    public string? IpAddress { get; set; }

    [JsonPropertyName("netmask")]
    public string? Netmask { get; set; }

    /// <summary>IPv6 prefix length.</summary>
    [JsonPropertyName("cidr")]
    public int? Cidr { get; set; }

    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }
}

internal sealed class DigitalOceanDns
{
    [JsonPropertyName("nameservers")]
    public List<string>? Nameservers { get; set; }
}
