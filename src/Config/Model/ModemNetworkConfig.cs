namespace CorralOS.Config.Model;

/// <summary>One <c>rancher.network.modem_networks</c> entry.</summary>
public sealed class ModemNetworkConfig
{
    public string? Apn { get; set; }

    public string? ExtraArgs { get; set; }
}
