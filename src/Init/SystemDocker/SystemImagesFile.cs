using System.Diagnostics;
using System.Text.Json;
using CorralOS.Init.Modules;
using CorralOS.Init.Storage;
using CorralOS.Linux;

namespace CorralOS.Init.SystemDocker;

/// <summary>
/// The system images file (build/initrd.sh): an erofs holding the large on-demand system images (User Docker's, the
/// catalog's) already extracted in System Docker's store layout. It sits beside the kernel and initrd instead of in
/// the RAM initrd, so those bytes stay on disk and nothing is unpacked at boot. The initrd names it by its UUID and
/// lists what it holds (<see cref="IndexPath"/>); PID 1 mounts it read-only when a service first needs one of its
/// images, from the first place it is found: a disk that is the file (direct kernel boots: tests, bench, `make run`),
/// the installed /boot (/state/boot/system-images-VERSION, written by `ros install` and `ros os upgrade`), or the boot
/// medium's /boot/system-images (the ISO). The images every boot runs are in a second such file inside the initrd
/// itself (<see cref="InitrdIndexPath"/>, <see cref="InitrdFilePath"/>), so the RAM root holds them compressed, once.
/// </summary>
public sealed class SystemImagesFile
{
    public const string IndexPath = "/usr/share/ros/system-images.json";
    public const string MountPoint = "/run/corralos/system-images";
    public const string MediumMountPoint = "/run/corralos/medium";

    /// <summary>The initrd's own images file (build/initrd.sh) and its index.</summary>
    public const string InitrdFilePath = "/usr/share/ros/initrd-images";
    public const string InitrdIndexPath = InitrdFilePath + ".json";
    public const string InitrdMountPoint = "/run/corralos/initrd-images";

    /// <summary>The file's name in images/os/files.list: /boot/system-images-VERSION once installed.</summary>
    public const string FileName = "system-images";

    private readonly Lock _mountGate = new();
    private readonly string _mountPoint;
    // The initrd's file is at a known path; the system images file is looked for on disks and media.
    private readonly string? _knownFile;

    private SystemImagesFile(string version, string uuid, IReadOnlySet<string> images, string mountPoint, string? knownFile)
    {
        Version = version;
        Uuid = uuid;
        Images = images;
        _mountPoint = mountPoint;
        _knownFile = knownFile;
    }

    public string Version { get; }

    public string Uuid { get; }

    /// <summary>The images it holds, by their full references (docker.io/corralos/os-docker:0.1.0).</summary>
    public IReadOnlySet<string> Images { get; }

    /// <summary>The initrd's index of the file, or null when this build has none or it cannot be read (told to <paramref name="problem"/>).</summary>
    public static SystemImagesFile? TryRead(string path, Action<string> problem) => TryRead(() => Read(path), problem, path);

    /// <summary>The initrd's own images file (<see cref="InitrdFilePath"/>, by its index), mounted at <paramref name="mountPoint"/>; null as <see cref="TryRead(string, Action{string})"/>.</summary>
    public static SystemImagesFile? TryReadInitrd(string indexPath, string file, string mountPoint, Action<string> problem) =>
        TryRead(() => Read(indexPath, mountPoint, file), problem, indexPath);

    private static SystemImagesFile? TryRead(Func<SystemImagesFile?> read, Action<string> problem, string path)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or InvalidDataException)
        {
            problem($"{path}: {e.Message}");
            return null;
        }
    }

    /// <summary>The initrd's index of the file, or null when this build has none.</summary>
    public static SystemImagesFile? Read(string path = IndexPath) => Read(path, MountPoint, knownFile: null);

    private static SystemImagesFile? Read(string path, string mountPoint, string? knownFile)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var images = root.GetProperty("images").EnumerateArray().Select(i => i.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new SystemImagesFile(
            root.GetProperty("version").GetString() ?? throw new InvalidDataException($"{path}: no version"),
            root.GetProperty("uuid").GetString() ?? throw new InvalidDataException($"{path}: no uuid"),
            images,
            mountPoint,
            knownFile);
    }

    /// <summary>True when the file holds <paramref name="image"/> (any spelling of its reference: `corralos/os-docker:1` is `docker.io/corralos/os-docker:1`).</summary>
    public bool Holds(string image) =>
        Engine.Images.ImageReference.TryParse(image, out var reference) && Images.Contains(reference!.WithDefaultTag().ToString());

    /// <summary>
    /// System Docker's <see cref="Engine.Images.ImageStore.LinkSource"/>: the mounted file when it holds
    /// <paramref name="image"/> (mounted on the first such call, which <paramref name="log"/> reports), else null.
    /// </summary>
    public Engine.Images.StoreLayout? SourceFor(string image, Action<string> log)
    {
        if (!Holds(image))
        {
            return null;
        }
        lock (_mountGate)
        {
            if (!Mounts.IsMountPoint(_mountPoint))
            {
                var clock = Stopwatch.StartNew();
                var from = Mount();
                log($"mounted the {(_knownFile is null ? "system images file" : "initrd's images")} from {from} ({clock.ElapsedMilliseconds} ms)");
            }
        }
        return new Engine.Images.StoreLayout(_mountPoint);
    }

    /// <summary>
    /// Mounts the file read-only at its mount point and returns where it was found. Throws
    /// <see cref="IOException"/> naming every place looked at when none holds it.
    /// </summary>
    private string Mount()
    {
        Directory.CreateDirectory(_mountPoint);
        var looked = new List<string>();
        if (_knownFile is not null)
        {
            return TryMountFile(_knownFile, looked) ? _knownFile : throw new IOException($"the initrd's images (erofs UUID {Uuid}) cannot be mounted: {string.Join("; ", looked)}");
        }
        var devices = new BlockDevices();
        if (devices.Resolve("UUID=" + Uuid) is { } device)
        {
            // A file's loop mount (below) loads the drivers itself.
            ErofsLoopMount.LoadDrivers(ModuleLoader.ForRunningKernel(out _));
            Mounts.Mount(device, _mountPoint, "erofs", MountFlags.ReadOnly);
            return device;
        }
        looked.Add($"no disk with UUID {Uuid}");
        var installed = Path.Combine(Persistence.StateMount, "boot", $"{FileName}-{Version}");
        if (TryMountFile(installed, looked))
        {
            return installed;
        }
        var medium = Path.Combine(MediumMountPoint, "boot", FileName);
        if (MountMediumFile(devices, medium, looked))
        {
            return medium;
        }
        throw new IOException($"the system images file (erofs UUID {Uuid}) was not found: {string.Join("; ", looked)}");
    }

    private bool MountMediumFile(BlockDevices devices, string file, List<string> looked)
    {
        if (BootMediumVolume.Find(devices) is not { } medium)
        {
            looked.Add($"no boot medium (ISO9660 {BootMediumVolume.Label})");
            return false;
        }
        var mounted = false;
        if (!Mounts.IsMountPoint(MediumMountPoint))
        {
            Directory.CreateDirectory(MediumMountPoint);
            Mounts.Mount(medium, MediumMountPoint, "iso9660", MountFlags.ReadOnly);
            mounted = true;
        }
        // The medium stays mounted while the loop device reads the file from it; not for a medium without this build's file.
        if (TryMountFile(file, looked))
        {
            return true;
        }
        if (mounted)
        {
            Mounts.Unmount(MediumMountPoint);
        }
        return false;
    }

    private bool TryMountFile(string file, List<string> looked)
    {
        if (!File.Exists(file))
        {
            looked.Add($"no {file}");
            return false;
        }
        var signature = FileSystemProbe.Probe(file);
        if (signature is not { Type: "erofs" } || !string.Equals(signature.Uuid, Uuid, StringComparison.OrdinalIgnoreCase))
        {
            looked.Add($"{file} is another build's (UUID {signature?.Uuid ?? "none"})");
            return false;
        }
        ErofsLoopMount.Mount(file, _mountPoint, $"mounting {file}");
        return true;
    }
}
