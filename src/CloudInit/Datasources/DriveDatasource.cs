namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// configdrive, nocloud and proxmox: a drive found by its filesystem label (or a virtio 9p tag, or a directory given
/// as root), mounted read-only for the time it takes to read it. Proxmox writes either layout (NoCloud "cidata" by
/// default, "config-2" for configdrive2), so it accepts both.
/// </summary>
internal sealed class DriveDatasource : IDatasource
{
    private readonly string? _root;
    private readonly DriveKind _kind;
    private readonly CloudInitOptions _options;

    public DriveDatasource(string name, DriveKind kind, string? root, CloudInitOptions options)
    {
        Name = name;
        _kind = kind;
        _root = string.IsNullOrEmpty(root) ? null : root;
        _options = options;
    }

    public string Name { get; }

    private IEnumerable<string> Labels => _kind switch
    {
        DriveKind.ConfigDrive => ["config-2", "CONFIG-2"],
        DriveKind.NoCloud => ["cidata", "CIDATA"],
        _ => ["cidata", "CIDATA", "config-2", "CONFIG-2"],
    };

    // Only OpenStack config drives are also offered as a 9p share (QEMU -virtfs mount_tag=config-2).
    private string? NinePTag => _kind == DriveKind.ConfigDrive ? "config-2" : null;

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken) => Task.FromResult(Locate() is not null);

    public Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        using var drive = Open();
        return Task.FromResult(Read(drive.Path));
    }

    private MountedDrive Open() => Locate() switch
    {
        (Where.Directory, var path) => MountedDrive.Directory(path),
        (Where.Device, var device) => MountedDrive.Device(device, _options.MountDirectory, Name),
        (Where.NinePTag, var tag) => MountedDrive.NinePTag(tag, _options.MountDirectory, Name),
        _ => throw new DatasourceException(Name, "the drive is gone"),
    };

    private (Where Kind, string Path)? Locate()
    {
        if (_root is not null)
        {
            if (Directory.Exists(_root) && HasLayout(_root))
            {
                return (Where.Directory, _root);
            }
            // A device path as root (proxmox:/dev/sr0); a missing directory such as RancherOS's default
            // /media/config-2 falls through to the label.
            if (File.Exists(_root) && !Directory.Exists(_root))
            {
                return (Where.Device, _root);
            }
        }
        foreach (var label in Labels)
        {
            if (_options.FindDeviceByLabel(label) is { } device)
            {
                return (Where.Device, device);
            }
        }
        return NinePTag is { } tag && MountedDrive.HasNinePTag(_options.SysRoot, tag) ? (Where.NinePTag, tag) : null;
    }

    private bool HasLayout(string root) => _kind switch
    {
        DriveKind.ConfigDrive => DriveLayout.IsConfigDrive(root),
        DriveKind.NoCloud => DriveLayout.IsNoCloud(root),
        _ => DriveLayout.IsConfigDrive(root) || DriveLayout.IsNoCloud(root),
    };

    private CloudData Read(string root)
    {
        if (_kind != DriveKind.NoCloud && DriveLayout.IsConfigDrive(root))
        {
            return DriveLayout.ReadConfigDrive(root, Name);
        }
        if (_kind != DriveKind.ConfigDrive && DriveLayout.IsNoCloud(root))
        {
            var warnings = new List<string>();
            return DriveLayout.ReadNoCloud(root, Name, warnings) with { Warnings = warnings };
        }
        var expected = _kind switch
        {
            DriveKind.ConfigDrive => DriveLayout.OpenStackDirectory,
            DriveKind.NoCloud => "user-data or meta-data",
            _ => $"{DriveLayout.OpenStackDirectory}, user-data or meta-data",
        };
        throw new DatasourceException(Name, $"the drive has no {expected}");
    }

    private enum Where
    {
        Directory,
        Device,
        NinePTag,
    }
}

internal enum DriveKind
{
    ConfigDrive,
    NoCloud,
    Proxmox,
}
