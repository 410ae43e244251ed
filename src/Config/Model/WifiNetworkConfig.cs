namespace CorralOS.Config.Model;

/// <summary>One <c>rancher.network.wifi_networks</c> entry (wpa_supplicant settings).</summary>
public sealed class WifiNetworkConfig
{
    public string? Ssid { get; set; }

    public string? Psk { get; set; }

    public int? ScanSsid { get; set; }

    public int? Priority { get; set; }

    public string? Pairwise { get; set; }

    public string? Group { get; set; }

    public string? Eap { get; set; }

    public string? Identity { get; set; }

    public string? AnonymousIdentity { get; set; }

    public string? CaCerts { get; set; }

    public string? ClientCerts { get; set; }

    public string? PrivateKeys { get; set; }

    public string? PrivateKeyPasswds { get; set; }

    public string? Phases { get; set; }

    public int? EapolFlags { get; set; }

    public string? KeyMgmt { get; set; }

    public string? Password { get; set; }

    public string? Address { get; set; }

    public string? Gateway { get; set; }
}
