namespace CorralOS.Config.Model;

/// <summary><c>rancher.cloud_init</c>.</summary>
public sealed class CloudInitConfig
{
    /// <summary>Datasources in order, such as configdrive:/media/config-2.</summary>
    public List<string>? Datasources { get; set; }
}
