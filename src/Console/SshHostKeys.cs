using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// Step 3: SSH host keys. Each type's private and public key come from rancher.ssh.keys.&lt;type&gt; and
/// &lt;type&gt;-pub when both are set; otherwise ssh-keygen makes a new pair and both halves are saved to
/// cloud-config.yml, so the console container can be rebuilt (it is, every boot) without the host key changing.
/// Keys baked into the image are never used: every install would share them.
/// A missing RSA key can be left for later (<see cref="GenerateLater"/>): it takes seconds to make (15 under
/// emulation, against a fraction of one for the others), and sshd starts with the keys it has and skips a HostKey file
/// that is not there yet.
/// </summary>
public static class SshHostKeys
{
    public static readonly string[] Types = ["rsa", "ecdsa", "ed25519"];

    /// <summary>The types whose generation <see cref="Apply"/> may leave for later.</summary>
    public static readonly string[] SlowTypes = ["rsa"];

    public static string PrivateKeyPath(ConsoleOptions options, string type) => Path.Combine(options.Etc, "ssh", $"ssh_host_{type}_key");

    /// <summary>
    /// Writes every type's key pair and returns the types that were generated (and saved). Missing
    /// <see cref="SlowTypes"/> go to <paramref name="later"/> instead when it is given.
    /// </summary>
    public static IReadOnlyList<string> Apply(ConsoleOptions options, IReadOnlyDictionary<string, object?> config, ICollection<string>? later = null)
    {
        var now = new List<string>();
        Directory.CreateDirectory(Path.Combine(options.Etc, "ssh"));
        foreach (var type in Types)
        {
            var privatePath = PrivateKeyPath(options, type);
            var saved = ConfigTree.GetString(config, $"rancher.ssh.keys.{type}");
            var savedPublic = ConfigTree.GetString(config, $"rancher.ssh.keys.{type}-pub");
            if (!string.IsNullOrWhiteSpace(saved) && !string.IsNullOrWhiteSpace(savedPublic))
            {
                FileModes.WriteAtomically(privatePath, WithNewline(saved), FileModes.Private);
                FileModes.WriteAtomically(privatePath + ".pub", WithNewline(savedPublic), FileModes.Regular);
                continue;
            }
            // A key of another install left in the image or by an earlier console must not be served meanwhile.
            File.Delete(privatePath);
            File.Delete(privatePath + ".pub");
            if (later is not null && SlowTypes.Contains(type))
            {
                later.Add(type);
            }
            else
            {
                now.Add(type);
            }
        }
        Generate(options, now);
        // sshd's privilege separation directory (Debian's sshd refuses to start without it).
        Directory.CreateDirectory(Path.Combine(options.Run, "sshd"));
        return now;
    }

    /// <summary>
    /// Makes the <paramref name="types"/> left by <see cref="Apply"/> in the background, each put in place whole and
    /// saved like the others. The running sshd offers them from its next connection on: Debian 12's sshd re-executes
    /// itself for every connection and reads its host keys then. Problems are logged, not thrown: the console works
    /// with the keys it has.
    /// </summary>
    public static Task GenerateLater(ConsoleOptions options, IReadOnlyCollection<string> types) =>
        types.Count == 0 ? Task.CompletedTask : Task.Run(() =>
        {
            try
            {
                Generate(options, types);
                options.Log.WriteLine($"console-init: generated SSH host keys ({string.Join(", ", types)}) after sshd started and saved them to rancher.ssh.keys");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                options.Log.WriteLine($"console-init: ssh host keys ({string.Join(", ", types)}): {e.Message}");
            }
        });

    // ssh-keygen writes beside the final name, then the pair is renamed in (public half first): sshd never reads a
    // half-written key.
    private static void Generate(ConsoleOptions options, IReadOnlyCollection<string> types)
    {
        if (types.Count == 0)
        {
            return;
        }
        var created = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            var privatePath = PrivateKeyPath(options, type);
            var staging = privatePath + ".new";
            File.Delete(staging); // ssh-keygen would ask before overwriting
            File.Delete(staging + ".pub");
            ProgramRunner.Capture([options.SshKeygen, "-q", "-t", type, "-N", "", "-C", "", "-f", staging]);
            created[type] = File.ReadAllText(staging);
            created[type + "-pub"] = File.ReadAllText(staging + ".pub");
            File.Move(staging + ".pub", privatePath + ".pub", overwrite: true);
            File.Move(staging, privatePath, overwrite: true);
        }
        new CloudConfigStore(options.Config).Update(tree =>
        {
            foreach (var (key, value) in created)
            {
                ConfigTree.Set(tree, $"rancher.ssh.keys.{key}", value);
            }
        });
    }

    private static string WithNewline(string text) => text.EndsWith('\n') ? text : text + "\n";
}
