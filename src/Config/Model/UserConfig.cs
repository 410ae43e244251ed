namespace CorralOS.Config.Model;

/// <summary>One <c>users</c> entry (cloud-init's form; RancherOS ignored these, CorralOS creates them).</summary>
public sealed class UserConfig
{
    public string? Name { get; set; }

    public List<string>? Groups { get; set; }

    public List<string>? SshAuthorizedKeys { get; set; }

    /// <summary>A sudoers rule such as "ALL=(ALL) NOPASSWD:ALL".</summary>
    public string? Sudo { get; set; }

    public string? Shell { get; set; }

    public bool? LockPasswd { get; set; }
}
