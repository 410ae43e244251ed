using System.Globalization;
using CorralOS.Config.Model;

namespace CorralOS.Docker;

/// <summary>
/// dockerd's arguments from rancher.docker (reference §3.3): each generic option becomes its daemon flag, lists repeat
/// the flag, log_opts become one --log-opt per key (sorted, so the line is stable), booleans are written out
/// (--debug=true / --debug=false), extra_args follow as they are, and with tls: true the tls_args last (RancherOS's
/// order; the built-in ones when the list is empty). Options dockerd no longer has (restart) and CorralOS's own keys
/// (engine, environment, storage_context, exec, the certificates) are not flags.
/// </summary>
public static class DockerdArguments
{
    /// <summary>The built-in rancher.docker.tls_args (images/initrd/os-config.yml): the files ros writes, TCP port 2376.</summary>
    public static IReadOnlyList<string> DefaultTlsArgs { get; } =
    [
        "--tlsverify",
        $"--tlscacert={Tls.TlsFileNames.ServerDirectory}/{Tls.TlsFileNames.Ca}",
        $"--tlscert={Tls.TlsFileNames.ServerDirectory}/{Tls.TlsFileNames.ServerCert}",
        $"--tlskey={Tls.TlsFileNames.ServerDirectory}/{Tls.TlsFileNames.ServerKey}",
        "-H=tcp://0.0.0.0:2376",
    ];

    public static IReadOnlyList<string> Build(DockerConfig? config)
    {
        var arguments = new List<string>();
        if (config is null)
        {
            return arguments;
        }
        void Value(string flag, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                arguments.Add($"--{flag}={value.Trim()}");
            }
        }
        void Each(string flag, IEnumerable<string>? values)
        {
            foreach (var value in values ?? [])
            {
                Value(flag, value);
            }
        }
        void Flag(string flag, bool? value)
        {
            if (value is { } set)
            {
                arguments.Add($"--{flag}={(set ? "true" : "false")}");
            }
        }

        Value("bridge", config.Bridge);
        Value("bip", config.Bip);
        Value("config-file", config.ConfigFile);
        Value("containerd", config.Containerd);
        Flag("debug", config.Debug);
        Value("exec-root", config.ExecRoot);
        Value("group", config.Group);
        Value("data-root", config.Graph);
        Each("host", config.Host);
        Each("insecure-registry", config.InsecureRegistry);
        Flag("live-restore", config.LiveRestore);
        Value("log-driver", config.LogDriver);
        foreach (var (key, value) in (config.LogOpts ?? []).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--log-opt={key}={value}"));
        }
        Value("pidfile", config.PidFile);
        Each("registry-mirror", config.RegistryMirror);
        Flag("selinux-enabled", config.SelinuxEnabled);
        Value("storage-driver", config.StorageDriver);
        Flag("userland-proxy", config.UserlandProxy);
        arguments.AddRange(config.ExtraArgs ?? []);
        if (config.Tls == true)
        {
            arguments.AddRange(config.TlsArgs is { Count: > 0 } tlsArgs ? tlsArgs : DefaultTlsArgs);
        }
        return arguments;
    }

    /// <summary>
    /// rancher.docker.environment as a map: "NAME=value" entries, and a bare NAME takes its value from
    /// <paramref name="current"/> (skipped when that has none), as compose's environment lists do.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment(DockerConfig? config, Func<string, string?> current)
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in config?.Environment ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment[entry[..equals]] = entry[(equals + 1)..];
            }
            else if (equals < 0 && entry.Length > 0 && current(entry) is { } value)
            {
                environment[entry] = value;
            }
        }
        return environment;
    }
}
