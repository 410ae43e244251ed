using System.Text.Json.Serialization;

namespace CorralOS.CloudInit.Formats;

/// <summary>Equinix Metal (Packet) /metadata.</summary>
internal sealed class PacketMetadata
{
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("ssh_keys")]
    public List<string>? SshKeys { get; set; }

    [JsonPropertyName("network")]
    public PacketNetwork? Network { get; set; }
}

internal sealed class PacketNetwork
{
    [JsonPropertyName("bonding")]
    public PacketBonding? Bonding { get; set; }

    [JsonPropertyName("interfaces")]
    public List<PacketInterface>? Interfaces { get; set; }

    [JsonPropertyName("addresses")]
    public List<PacketAddress>? Addresses { get; set; }
}

internal sealed class PacketBonding
{
    [JsonPropertyName("mode")]
    public int? Mode { get; set; }
}

internal sealed class PacketInterface
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    [JsonPropertyName("bond")]
    public string? Bond { get; set; }
}

internal sealed class PacketAddress
{
    [JsonPropertyName("address_family")]
    public int? AddressFamily { get; set; }

    [JsonPropertyName("address")]
    public string? Address { get; set; }

    [JsonPropertyName("cidr")]
    public int? Cidr { get; set; }

    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }

    [JsonPropertyName("public")]
    public bool? Public { get; set; }
}
