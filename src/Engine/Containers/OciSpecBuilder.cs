using System.Globalization;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Builds the OCI runtime spec (config.json) for one start of a container from its merged create request. The
/// rootfs is already mounted; binds, volumes, volumes_from and tmpfs become mounts; namespaces follow the *Mode
/// options. <paramref name="lookup"/> finds the containers volumes_from names (the store's Get).
/// </summary>
public sealed class OciSpecBuilder(ContainerLayout layout, bool deviceCgroupRules, Func<string, Container>? lookup = null)
{
    // Docker's default capability set.
    private static readonly string[] s_defaultCaps =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    // In capability-number order (CAP_CHOWN = 0 ...), so an index is the bit in a capability set.
    private static readonly string[] s_allCaps =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
        "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    // The device nodes every container gets (Docker's list) and the cgroup rules that allow them.
    private static readonly (string Path, int Major, int Minor)[] s_devices =
    [
        ("/dev/null", 1, 3), ("/dev/zero", 1, 5), ("/dev/full", 1, 7), ("/dev/random", 1, 8), ("/dev/urandom", 1, 9), ("/dev/tty", 5, 0),
    ];

    public JsonObject Build(Container container)
    {
        var config = container.Record.Config;
        var host = config.HostConfig ?? new HostConfig();
        var rootfs = layout.RootFs(container.Id);
        var args = (config.Entrypoint ?? []).Concat(config.Cmd ?? []).ToList();
        if (args.Count == 0)
        {
            throw new InvalidArgumentException("no command specified");
        }
        var user = UserLookup.Resolve(config.User, rootfs);
        var env = Environment(config, user);

        var process = new JsonObject
        {
            ["terminal"] = false,
            ["user"] = new JsonObject
            {
                ["uid"] = user.Uid,
                ["gid"] = user.Gid,
                ["additionalGids"] = new JsonArray(user.AdditionalGids.Select(g => (JsonNode)g).ToArray()),
            },
            ["args"] = Strings(args),
            ["env"] = Strings(env),
            ["cwd"] = string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir,
            ["capabilities"] = Capabilities(host),
            ["rlimits"] = Rlimits(host),
            ["noNewPrivileges"] = false,
        };
        if (host.OomScoreAdj != 0)
        {
            process["oomScoreAdj"] = host.OomScoreAdj;
        }

        var spec = new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = process,
            ["root"] = new JsonObject { ["path"] = rootfs, ["readonly"] = host.ReadonlyRootfs },
            ["mounts"] = Mounts(container, host),
            ["linux"] = Linux(container, host),
        };
        // A hostname can only be set in the container's own UTS namespace.
        if (!IsHost(host.UtsMode))
        {
            spec["hostname"] = HostName(container, host);
        }
        return spec;
    }

    /// <summary>The image's Env (already merged) with PATH and HOSTNAME/HOME defaults Docker adds.</summary>
    private static List<string> Environment(ContainerCreateRequest config, UserLookup.Identity user)
    {
        var env = new List<string>(config.Env ?? []);
        if (!env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            env.Insert(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        if (!env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
        {
            env.Add("HOME=" + (string.IsNullOrEmpty(user.Home) ? "/" : user.Home));
        }
        return env;
    }

    // Docker's rules: the request's Hostname, else the host's name with the host's network, else the short ID; with
    // another container's network, that container's name (create refuses a Hostname of its own there).
    private string HostName(Container container, HostConfig host)
    {
        if (IsHost(host.UtsMode))
        {
            return CorralOS.Linux.HostName.Get();
        }
        if (NetworkTarget(container, host) is { } joined)
        {
            return HostName(joined, joined.Record.Config.HostConfig ?? new HostConfig());
        }
        var config = container.Record.Config;
        if (!string.IsNullOrEmpty(config.Hostname))
        {
            return config.Hostname;
        }
        return IsHost(host.NetworkMode) ? CorralOS.Linux.HostName.Get() : container.Id[..12];
    }

    internal static JsonObject Capabilities(HostConfig host)
    {
        // Docker's rules: add ALL = every capability minus the drops; drop ALL = only the adds; else defaults + adds - drops.
        var adds = (host.CapAdd ?? []).Where(c => !IsAll(c)).Select(CapName).ToList();
        var drops = (host.CapDrop ?? []).Where(c => !IsAll(c)).Select(CapName).ToList();
        List<string> caps;
        if (host.Privileged || (host.CapAdd ?? []).Any(IsAll))
        {
            // "Every capability" means every one the engine itself holds: crun cannot grant more.
            var bound = Host.RuntimeCapabilities.BoundingSet();
            caps = s_allCaps.Where((c, bit) => (bound & (1UL << bit)) != 0 && (host.Privileged || !drops.Contains(c))).ToList();
        }
        else if ((host.CapDrop ?? []).Any(IsAll))
        {
            caps = adds.Distinct().ToList();
        }
        else
        {
            caps = s_defaultCaps.Concat(adds).Distinct().Where(c => !drops.Contains(c)).ToList();
        }
        var set = Strings(caps);
        return new JsonObject
        {
            ["bounding"] = set.DeepClone(),
            ["effective"] = set.DeepClone(),
            ["permitted"] = set.DeepClone(),
            ["inheritable"] = new JsonArray(),
        };
    }

    private static bool IsAll(string cap) => string.Equals(cap, "ALL", StringComparison.OrdinalIgnoreCase);

    private static string CapName(string cap)
    {
        var name = cap.ToUpperInvariant();
        name = name.StartsWith("CAP_", StringComparison.Ordinal) ? name : "CAP_" + name;
        if (!s_allCaps.Contains(name))
        {
            throw new InvalidArgumentException($"unknown capability: \"{cap}\"");
        }
        return name;
    }

    private static JsonArray Rlimits(HostConfig host)
    {
        var limits = new JsonArray();
        foreach (var ulimit in host.Ulimits ?? [])
        {
            var name = "RLIMIT_" + (ulimit.Name ?? "").ToUpperInvariant();
            if (!Ulimits.Contains(ulimit.Name ?? ""))
            {
                throw new InvalidArgumentException($"invalid ulimit type: {ulimit.Name}");
            }
            if (ulimit.Soft > ulimit.Hard)
            {
                throw new InvalidArgumentException($"ulimit soft limit must be less than or equal to hard limit: {ulimit.Soft} > {ulimit.Hard}");
            }
            limits.Add((JsonNode)new JsonObject { ["type"] = name, ["soft"] = ulimit.Soft, ["hard"] = ulimit.Hard });
        }
        return limits;
    }

    private static readonly string[] Ulimits =
        ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack", "as"];

    private JsonArray Mounts(Container container, HostConfig host)
    {
        var mounts = new JsonArray
        {
            Mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
            // Privileged containers see the host's devices (Docker copies them; System Docker's udev, console and
            // network services need the live /dev, hotplugged disks and ttys included).
            host.Privileged
                ? Mount("/dev", "/dev", "bind", "rbind", "rw")
                : Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
            Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"),
            Mount("/dev/shm", "shm", "tmpfs", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
            Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
            Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", host.Privileged ? "rw" : "ro"),
            Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", host.Privileged ? "rw" : "ro"),
        };
        var targets = new HashSet<string>(StringComparer.Ordinal);
        AddVolumes(mounts, targets, container, forceReadOnly: false, copyFrom: layout.RootFs(container.Id));
        AddVolumesFrom(mounts, targets, host, [container.Id]);
        foreach (var (target, options) in host.Tmpfs ?? [])
        {
            targets.Add(target);
            mounts.Add((JsonNode)Mount(target, "tmpfs", "tmpfs", ["nosuid", "nodev", .. options.Split(',', StringSplitOptions.RemoveEmptyEntries)]));
        }
        // /etc/hosts, /etc/hostname and /etc/resolv.conf: files the engine writes per container, bound over the image's.
        foreach (var (name, content) in EtcFiles(container, host))
        {
            var target = "/etc/" + name;
            if (targets.Contains(target))
            {
                continue;
            }
            var file = Path.Combine(layout.Dir(container.Id), name);
            File.WriteAllText(file, content);
            mounts.Add((JsonNode)Mount(target, file, "bind", "rbind", "rw"));
        }
        return mounts;
    }

    /// <summary>
    /// The binds, Mounts and anonymous volumes of a container (its own, or a volumes_from source's). A volume new or
    /// empty gets the image's content at its path from <paramref name="copyFrom"/> (the mounted rootfs), as Docker does.
    /// </summary>
    private void AddVolumes(JsonArray mounts, HashSet<string> targets, Container owner, bool forceReadOnly, string? copyFrom)
    {
        var host = owner.Record.Config.HostConfig ?? new HostConfig();
        var anonymous = owner.Record.AnonymousVolumes ?? [];
        foreach (var bind in host.Binds ?? [])
        {
            var (source, target, options) = ParseBind(bind, options => options.Contains("nocopy") ? null : copyFrom);
            if (targets.Add(target))
            {
                var readOnly = forceReadOnly || options.Contains("ro");
                mounts.Add((JsonNode)Mount(target, source, "bind", ["rbind", readOnly ? "ro" : "rw", .. Propagation(options)]));
            }
        }
        foreach (var mount in host.Mounts ?? [])
        {
            var target = mount.Target ?? throw new InvalidArgumentException("mount has no target");
            if (!targets.Add(target))
            {
                continue;
            }
            var readOnly = forceReadOnly || mount.ReadOnly;
            switch (mount.Type)
            {
                case "bind":
                    mounts.Add((JsonNode)Mount(target, mount.Source ?? throw new InvalidArgumentException("bind mount has no source"), "bind", "rbind", readOnly ? "ro" : "rw"));
                    break;
                case "volume":
                    var name = string.IsNullOrEmpty(mount.Source)
                        ? anonymous.GetValueOrDefault(AnonymousVolumes.Normalize(target)) ?? throw new InvalidArgumentException($"no anonymous volume for {target}")
                        : mount.Source;
                    mounts.Add((JsonNode)Mount(target, VolumeSource(name, target, copyFrom), "bind", "rbind", readOnly ? "ro" : "rw"));
                    break;
                case "tmpfs":
                    mounts.Add((JsonNode)Mount(target, "tmpfs", "tmpfs", "nosuid", "nodev"));
                    break;
                default:
                    throw new InvalidArgumentException($"mount type {mount.Type} is not supported (bind, volume, tmpfs)");
            }
        }
        // The image's VOLUME paths and `-v /path`: the anonymous volumes chosen at create.
        foreach (var (target, name) in anonymous)
        {
            if (targets.Add(target))
            {
                mounts.Add((JsonNode)Mount(target, VolumeSource(name, target, copyFrom), "bind", "rbind", forceReadOnly ? "ro" : "rw"));
            }
        }
    }

    /// <summary>
    /// Docker's volumes_from: each named container's volumes (and, in turn, its own volumes_from), read-only when the
    /// entry says ":ro". Resolved at every start, so a recreated volume container is seen by the next start.
    /// </summary>
    private void AddVolumesFrom(JsonArray mounts, HashSet<string> targets, HostConfig host, List<string> chain, bool readOnly = false)
    {
        foreach (var entry in host.VolumesFrom ?? [])
        {
            var sep = entry.LastIndexOf(':');
            var (name, mode) = sep > 0 ? (entry[..sep], entry[(sep + 1)..]) : (entry, "rw");
            if (mode is not ("ro" or "rw" or "z" or "Z"))
            {
                throw new InvalidArgumentException($"invalid volumes_from mode in \"{entry}\": expected ro or rw");
            }
            if (lookup is null)
            {
                throw new InvalidArgumentException("volumes_from is not available here");
            }
            var source = lookup(name);
            if (chain.Contains(source.Id))
            {
                continue; // a cycle of volumes_from: each container's volumes are taken once
            }
            var sourceHost = source.Record.Config.HostConfig ?? new HostConfig();
            var entryReadOnly = readOnly || mode == "ro";
            AddVolumes(mounts, targets, source, entryReadOnly, copyFrom: null);
            AddVolumesFrom(mounts, targets, sourceHost, [.. chain, source.Id], entryReadOnly);
        }
    }

    private static IEnumerable<string> Propagation(string[] options) =>
        options.Where(o => o is "shared" or "rshared" or "slave" or "rslave" or "private" or "rprivate");

    private (string Source, string Target, string[] Options) ParseBind(string bind, Func<string[], string?>? copyFrom = null)
    {
        var parts = bind.Split(':');
        if (parts.Length is < 2 or > 3 || parts[1].Length == 0 || parts[1][0] != '/')
        {
            throw new InvalidArgumentException($"invalid volume specification: '{bind}'");
        }
        var options = parts.Length == 3 ? parts[2].Split(',') : [];
        var source = parts[0].StartsWith('/') ? parts[0] : VolumeSource(parts[0], parts[1], copyFrom?.Invoke(options));
        if (parts[0].StartsWith('/') && !Path.Exists(source))
        {
            // Docker creates a missing bind source as a directory.
            Directory.CreateDirectory(source);
        }
        return (source, parts[1], options);
    }

    /// <summary>A volume's directory under the data root, created on first use; an empty one gets the image's content at the target.</summary>
    private string VolumeSource(string name, string target, string? copyFrom)
    {
        var (data, _) = new Volumes.VolumeStore(layout.Volumes).Ensure(name);
        if (copyFrom is not null)
        {
            Volumes.VolumeCopy.CopyUp(copyFrom, target, data);
        }
        return data;
    }

    /// <summary>The container whose network this one joins (`container:x`), or null.</summary>
    private Container? NetworkTarget(Container container, HostConfig host)
    {
        if (SharedNamespaces.Target(host.NetworkMode) is not { } target)
        {
            return null;
        }
        var joined = (lookup ?? throw new InvalidArgumentException("container network mode is not available here"))(target);
        return joined.Id == container.Id ? throw new InvalidArgumentException("cannot join own network namespace") : joined;
    }

    private IEnumerable<(string Name, string Content)> EtcFiles(Container container, HostConfig host)
    {
        var hostName = HostName(container, host);
        if (NetworkTarget(container, host) is { } joined)
        {
            // The joined network's own hosts and resolv.conf, as Docker shares them.
            foreach (var name in new[] { "hosts", "resolv.conf" })
            {
                var file = Path.Combine(layout.Dir(joined.Id), name);
                if (File.Exists(file))
                {
                    yield return (name, File.ReadAllText(file));
                }
            }
            yield return ("hostname", hostName + "\n");
            yield break;
        }
        var hosts = new System.Text.StringBuilder();
        if (IsHost(host.NetworkMode) && File.Exists("/etc/hosts"))
        {
            hosts.Append(File.ReadAllText("/etc/hosts"));
        }
        else
        {
            hosts.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
            hosts.Append(CultureInfo.InvariantCulture, $"127.0.1.1\t{hostName}\n");
        }
        foreach (var extra in host.ExtraHosts ?? [])
        {
            var sep = extra.IndexOf(':', StringComparison.Ordinal);
            if (sep <= 0)
            {
                throw new InvalidArgumentException($"invalid extra host: {extra}");
            }
            hosts.Append(CultureInfo.InvariantCulture, $"{extra[(sep + 1)..]}\t{extra[..sep]}\n");
        }
        yield return ("hosts", hosts.ToString());
        yield return ("hostname", hostName + "\n");
        // The host's, with Dns/DnsSearch/DnsOptions applied; none gets one only when the request asks for DNS settings.
        var hostResolvConf = File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : "";
        if (ResolvConf.Customised(host))
        {
            yield return ("resolv.conf", ResolvConf.Build(hostResolvConf, host));
        }
        else if (!string.Equals(host.NetworkMode, "none", StringComparison.Ordinal) && File.Exists("/etc/resolv.conf"))
        {
            yield return ("resolv.conf", hostResolvConf);
        }
    }

    private JsonObject Linux(Container container, HostConfig host)
    {
        var devices = DeviceMappings.Resolve(host);
        var namespaces = new JsonArray { Ns("mount") };
        foreach (var (type, word, mode) in new[] { ("pid", "PID", host.PidMode), ("ipc", "IPC", host.IpcMode), ("uts", "UTS", host.UtsMode), ("network", "network", host.NetworkMode) })
        {
            if (IsHost(mode))
            {
                continue;
            }
            if (SharedNamespaces.Target(mode) is { } target)
            {
                var path = SharedNamespaces.NamespacePath(container, type, word, target, lookup ?? throw new InvalidArgumentException($"{word} mode {mode} is not available here"));
                namespaces.Add((JsonNode)new JsonObject { ["type"] = type, ["path"] = path });
                continue;
            }
            namespaces.Add(Ns(type));
        }
        if (CgroupNamespaceMode.Resolve(host) == CgroupNamespaceMode.Private)
        {
            namespaces.Add(Ns("cgroup"));
        }
        var linux = new JsonObject
        {
            ["namespaces"] = namespaces,
            ["cgroupsPath"] = $"/system-docker/{container.Id}",
            ["resources"] = Resources(host, devices),
        };
        // The default personality, whatever the runtime's own (OciRuntime.RandomizeAddresses): address randomization on.
        linux["personality"] = new JsonObject { ["domain"] = "LINUX" };
        if (!host.Privileged && devices.Count > 0)
        {
            linux["devices"] = DeviceMappings.Nodes(devices);
        }
        if (!host.Privileged)
        {
            linux["maskedPaths"] = Strings(["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"]);
            linux["readonlyPaths"] = Strings(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]);
        }
        return linux;
    }

    private JsonObject Resources(HostConfig host, List<DeviceMappings.Device> mapped)
    {
        var resources = new JsonObject();
        // Device rules are eBPF programs on cgroup v2; crun 1.8 raises RLIMIT_MEMLOCK to load them, which needs
        // CAP_SYS_RESOURCE. Where the engine lacks it, it does without the rules (see docs/system-docker.md).
        if (deviceCgroupRules)
        {
            var devices = new JsonArray { (JsonNode)new JsonObject { ["allow"] = host.Privileged, ["access"] = "rwm" } };
            if (!host.Privileged)
            {
                foreach (var (_, major, minor) in s_devices)
                {
                    devices.Add((JsonNode)new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = major, ["minor"] = minor, ["access"] = "rwm" });
                }
                devices.Add((JsonNode)new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 136, ["access"] = "rwm" }); // /dev/pts/*
                devices.Add((JsonNode)new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 5, ["minor"] = 2, ["access"] = "rwm" }); // ptmx
                foreach (var device in mapped)
                {
                    devices.Add(DeviceMappings.Rule(device));
                }
            }
            resources["devices"] = devices;
        }
        if (host.Memory > 0)
        {
            var memory = new JsonObject { ["limit"] = host.Memory };
            if (host.MemorySwap != 0)
            {
                memory["swap"] = host.MemorySwap;
            }
            resources["memory"] = memory;
        }
        var cpu = new JsonObject();
        if (host.NanoCpus > 0)
        {
            cpu["period"] = 100000;
            cpu["quota"] = host.NanoCpus / 10000;
        }
        if (host.CpuQuota > 0)
        {
            cpu["quota"] = host.CpuQuota;
            cpu["period"] = host.CpuPeriod > 0 ? host.CpuPeriod : 100000;
        }
        if (host.CpuShares > 0)
        {
            cpu["shares"] = host.CpuShares;
        }
        if (cpu.Count > 0)
        {
            resources["cpu"] = cpu;
        }
        if (host.PidsLimit is > 0)
        {
            resources["pids"] = new JsonObject { ["limit"] = host.PidsLimit };
        }
        return resources;
    }

    internal static bool IsHost(string? mode) => string.Equals(mode, "host", StringComparison.Ordinal);

    private static JsonNode Ns(string type) => new JsonObject { ["type"] = type };

    private static JsonNode Mount(string destination, string source, string type, params string[] options) =>
        new JsonObject { ["destination"] = destination, ["type"] = type, ["source"] = source, ["options"] = Strings(options) };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
