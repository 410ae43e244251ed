namespace CorralOS.Init.Storage;

/// <summary>A disk autoformat just formatted, and the boot2docker userdata tar that was on it.</summary>
public sealed record FormattedDisk(string Device, string Label, byte[]? Boot2DockerUserData);

/// <summary>
/// rancher.state.autoformat: the first listed disk that is blank (zero in its first MiB) becomes ext4
/// RANCHER_STATE; one that starts with boot2docker's magic becomes ext4 B2D_STATE (docker-machine's way
/// of asking for a state disk). Disks with anything else on them are never touched.
/// </summary>
public static class AutoFormat
{
    public const string StateLabel = "RANCHER_STATE";
    public const string Boot2DockerLabel = "B2D_STATE";
    public static readonly byte[] Boot2DockerMagic = "boot2docker, please format-me"u8.ToArray();
    private const int BlankLength = 1024 * 1024;

    /// <summary>What a disk's first MiB says it is fit for.</summary>
    public static string? LabelFor(string device) => LabelFor(ReadHead(device));

    private static byte[] ReadHead(string device)
    {
        var head = new byte[BlankLength];
        using var stream = new FileStream(device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return read == head.Length ? head : head[..read];
    }

    public static string? LabelFor(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Boot2DockerMagic))
        {
            return Boot2DockerLabel;
        }
        return head.Length > 0 && !head.ContainsAnyExcept((byte)0) ? StateLabel : null;
    }

    /// <summary>Formats the first eligible device; null if none was eligible.</summary>
    public static FormattedDisk? Run(IEnumerable<string> candidates, string mkfs = "/sbin/mkfs.ext4")
    {
        foreach (var device in candidates)
        {
            if (!File.Exists(device))
            {
                continue;
            }
            var head = ReadHead(device);
            var label = LabelFor(head);
            if (label is null)
            {
                continue;
            }
            // docker-machine's keys are in the tar at the start of the disk: read it before mkfs erases it.
            var userData = label == Boot2DockerLabel ? Boot2DockerUserData.Read(head) : null;
            Format(mkfs, device, label);
            return new FormattedDisk(device, label, userData);
        }
        return null;
    }

    private static void Format(string mkfs, string device, string label) =>
        ExternalCommand.Run(mkfs, ["-F", "-q", "-L", label, device], $"formatting {device} as {label}");
}
