namespace CorralOS.Config.Model;

/// <summary><c>rancher.ssh</c>: the SSH daemon and its persisted host keys (keys.rsa, keys.rsa-pub, ...).</summary>
public sealed class SshConfig
{
    public Dictionary<string, string>? Keys { get; set; }

    public bool? Daemon { get; set; }

    public int? Port { get; set; }

    public string? ListenAddress { get; set; }
}
