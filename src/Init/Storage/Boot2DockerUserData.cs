using System.Formats.Tar;
using CorralOS.Linux;

namespace CorralOS.Init.Storage;

/// <summary>
/// docker-machine's way to hand over SSH keys: the disk it gives the VM starts with a tar whose first entry
/// is named "boot2docker, please format-me", followed by .ssh/authorized_keys (and authorized_keys2). The tar
/// is read before the disk is formatted, kept at /var/lib/boot2docker/userdata.tar on the new state disk,
/// and the keys go to the docker user (uid 1101), as boot2docker did.
/// </summary>
public static class Boot2DockerUserData
{
    public const int DockerUid = 1101;
    public const int DockerGid = 1101;

    /// <summary>The tar at the start of <paramref name="head"/>, cut at its end-of-archive; null if it does not read.</summary>
    public static byte[]? Read(byte[] head)
    {
        try
        {
            using var stream = new MemoryStream(head, writable: false);
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry(copyData: false) is not null)
            {
            }
            // A tar ends with two zero blocks after the last entry; keep up to there.
            var end = (int)Math.Min(head.Length, stream.Position + 1024);
            return head[..end];
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Saves the tar under <paramref name="stateRoot"/> and installs its SSH keys for docker; returns how many.</summary>
    public static int Install(byte[] userData, string stateRoot, string dockerHome = "/home/docker")
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("SSH keys are installed with Linux modes and owners");
        }
        var keep = Path.Combine(stateRoot, "var/lib/boot2docker");
        Directory.CreateDirectory(keep);
        File.WriteAllBytes(Path.Combine(keep, "userdata.tar"), userData);

        var installed = 0;
        using var reader = new TarReader(new MemoryStream(userData, writable: false));
        while (reader.GetNextEntry() is { } entry)
        {
            var name = entry.Name.TrimStart('.', '/');
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                || name is not ("ssh/authorized_keys" or "ssh/authorized_keys2") || entry.DataStream is null)
            {
                continue;
            }
            var ssh = Path.Combine(dockerHome, ".ssh");
            Directory.CreateDirectory(ssh);
            var target = Path.Combine(ssh, Path.GetFileName(name));
            using (var file = File.Create(target))
            {
                entry.DataStream.CopyTo(file);
            }
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.SetUnixFileMode(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            SpecialFiles.SetOwner(dockerHome, DockerUid, DockerGid);
            SpecialFiles.SetOwner(ssh, DockerUid, DockerGid);
            SpecialFiles.SetOwner(target, DockerUid, DockerGid);
            installed++;
        }
        return installed;
    }
}
