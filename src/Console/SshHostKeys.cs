using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// Step 3: SSH host keys. Each type's private and public key come from rancher.ssh.keys.&lt;type&gt; and
/// &lt;type&gt;-pub when both are set; otherwise ssh-keygen makes a new pair and both halves are saved to
/// cloud-config.yml, so the console container can be rebuilt (it is, every boot) without the host key changing.
/// Keys baked into the image are never used: every install would share them.
/// </summary>
public static class SshHostKeys
{
    public static readonly string[] Types = ["rsa", "ecdsa", "ed25519"];

    public static string PrivateKeyPath(ConsoleOptions options, string type) => Path.Combine(options.Etc, "ssh", $"ssh_host_{type}_key");

    /// <summary>Writes every type's key pair; returns the types that were generated (and saved).</summary>
    public static IReadOnlyList<string> Apply(ConsoleOptions options, IReadOnlyDictionary<string, object?> config)
    {
        var generated = new List<string>();
        var created = new Dictionary<string, string>(StringComparer.Ordinal);
        Directory.CreateDirectory(Path.Combine(options.Etc, "ssh"));
        foreach (var type in Types)
        {
            var privatePath = PrivateKeyPath(options, type);
            var publicPath = privatePath + ".pub";
            var saved = ConfigTree.GetString(config, $"rancher.ssh.keys.{type}");
            var savedPublic = ConfigTree.GetString(config, $"rancher.ssh.keys.{type}-pub");
            if (!string.IsNullOrWhiteSpace(saved) && !string.IsNullOrWhiteSpace(savedPublic))
            {
                FileModes.WriteAtomically(privatePath, WithNewline(saved), FileModes.Private);
                FileModes.WriteAtomically(publicPath, WithNewline(savedPublic), FileModes.Regular);
                continue;
            }
            File.Delete(privatePath); // ssh-keygen would ask before overwriting
            File.Delete(publicPath);
            ProgramRunner.Capture([options.SshKeygen, "-q", "-t", type, "-N", "", "-C", "", "-f", privatePath]);
            created[type] = File.ReadAllText(privatePath);
            created[type + "-pub"] = File.ReadAllText(publicPath);
            generated.Add(type);
        }
        if (created.Count > 0)
        {
            new CloudConfigStore(options.Config).Update(tree =>
            {
                foreach (var (key, value) in created)
                {
                    ConfigTree.Set(tree, $"rancher.ssh.keys.{key}", value);
                }
            });
        }
        // sshd's privilege separation directory (Debian's sshd refuses to start without it).
        Directory.CreateDirectory(Path.Combine(options.Run, "sshd"));
        return generated;
    }

    private static string WithNewline(string text) => text.EndsWith('\n') ? text : text + "\n";
}
