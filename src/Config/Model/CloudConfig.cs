using YamlDotNet.Serialization;

namespace CorralOS.Config.Model;

/// <summary>
/// A whole cloud-config document (reference §3.1). Every property is nullable: null means "not set in any layer",
/// which the layers and the metadata merge rely on. Property names map to YAML by the underscored convention.
/// </summary>
public sealed class CloudConfig
{
    public List<string>? SshAuthorizedKeys { get; set; }

    public List<WriteFile>? WriteFiles { get; set; }

    public string? Hostname { get; set; }

    /// <summary>Each item is [device, mountpoint, fstype, options].</summary>
    public List<List<string>>? Mounts { get; set; }

    /// <summary>Each item is a string (run with sh -c) or a list (exec'd as is).</summary>
    public List<object>? Runcmd { get; set; }

    /// <summary>Like <see cref="Runcmd"/>, but run early in boot.</summary>
    public List<object>? Bootcmd { get; set; }

    public List<UserConfig>? Users { get; set; }

    public RancherConfig? Rancher { get; set; }

    /// <summary>The elided init command line (layer 6); never exported.</summary>
    [YamlMember(Alias = "EXTRA_CMDLINE")]
    public string? ExtraCmdline { get; set; }
}
