using CorralOS.Config;

namespace CorralOS.CloudInit;

/// <summary>Where cloud-init-save reads and writes, and the addresses it talks to. Tests point everything at temp dirs and 127.0.0.1.</summary>
public sealed class CloudInitOptions
{
    /// <summary>Config layer paths: boot.yml, network.yml, metadata and the script go under these, /proc/cmdline is read from here.</summary>
    public ConfigPaths Paths { get; init; } = new();

    /// <summary>sysfs: DMI ids and virtio 9p mount tags.</summary>
    public string SysRoot { get; init; } = "/sys";

    /// <summary>Drives are mounted read-only in a fresh directory under this one, and unmounted after reading.</summary>
    public string MountDirectory { get; init; } = "/run/cloud-init";

    /// <summary>The block device holding a filesystem with this label (config-2, cidata), or null. PID 1 passes its blkid-style lookup.</summary>
    public Func<string, string?> FindDeviceByLabel { get; init; } = _ => null;

    public MetadataEndpoints Endpoints { get; init; } = new();

    /// <summary>open-vm-tools' guestinfo client (the vmware datasource), where Debian and the initrd put it.</summary>
    public string VmwareRpctool { get; init; } = "/usr/bin/vmware-rpctool";

    /// <summary>Shared by the HTTP datasources; null makes one per run.</summary>
    public HttpClient? Http { get; init; }

    /// <summary>One HTTP request (connect and body) may take this long.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the listed datasources may take to show up, all together. Null: 60 s when a network source is listed
    /// (DHCP and a metadata service may be slow), 5 s when all are local drives or files (a boot without one should not wait).
    /// </summary>
    public TimeSpan? SelectTimeout { get; init; }
}
