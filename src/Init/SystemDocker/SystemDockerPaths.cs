namespace CorralOS.Init.SystemDocker;

/// <summary>Where System Docker keeps things inside CorralOS (the reference's paths, so RancherOS habits hold).</summary>
public sealed record SystemDockerPaths
{
    public string Socket { get; init; } = "/var/run/system-docker.sock";

    /// <summary>On the RAM root: system containers are rebuilt from the images at every boot (PRODUCT.md §5).</summary>
    public string DataRoot { get; init; } = "/var/lib/system-docker";

    public string ExecRoot { get; init; } = "/var/run/system-docker";

    /// <summary>The system images built into the initrd (build/images.sh).</summary>
    public string SystemImages { get; init; } = "/usr/share/ros/images";

    /// <summary>What the system images file holds and its UUID (<see cref="SystemImagesFile"/>).</summary>
    public string SystemImagesIndex { get; init; } = SystemImagesFile.IndexPath;

    /// <summary>The initrd's own images file (the images every boot runs), its index, and where PID 1 mounts it.</summary>
    public string InitrdImagesFile { get; init; } = SystemImagesFile.InitrdFilePath;

    public string InitrdImagesIndex { get; init; } = SystemImagesFile.InitrdIndexPath;

    public string InitrdImagesMount { get; init; } = SystemImagesFile.InitrdMountPoint;

    /// <summary>
    /// System images staged on the state disk (`ros console switch/enable` copies a console's archive here from the
    /// boot medium): indexed after the initrd's and loaded on demand in the same way, at every boot.
    /// </summary>
    public string StagedImages { get; init; } = StagedImagesDirectory;

    public const string StagedImagesDirectory = "/var/lib/rancher/images";

    /// <summary>Archives an operator drops here are loaded once each (a `.done` stamp beside each).</summary>
    public string Preload { get; init; } = "/var/lib/rancher/preload/system-docker";
}
