using System.Diagnostics;

namespace CorralOS.Init.Storage;

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
    public static string? LabelFor(string device)
    {
        var head = new byte[BlankLength];
        int read;
        using (var stream = new FileStream(device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        return LabelFor(head.AsSpan(0, read));
    }

    public static string? LabelFor(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Boot2DockerMagic))
        {
            return Boot2DockerLabel;
        }
        return head.Length > 0 && !head.ContainsAnyExcept((byte)0) ? StateLabel : null;
    }

    /// <summary>Formats the first eligible device; returns it with its new label, or null if none was eligible.</summary>
    public static (string Device, string Label)? Run(IEnumerable<string> candidates, string mkfs = "/sbin/mkfs.ext4")
    {
        foreach (var device in candidates)
        {
            if (!File.Exists(device))
            {
                continue;
            }
            var label = LabelFor(device);
            if (label is null)
            {
                continue;
            }
            Format(mkfs, device, label);
            return (device, label);
        }
        return null;
    }

    private static void Format(string mkfs, string device, string label)
    {
        var info = new ProcessStartInfo(mkfs) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-F", "-q", "-L", label, device })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new IOException($"cannot start {mkfs}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var reason = (error + output.Result).Trim().Split('\n').LastOrDefault(l => l.Length > 0) ?? $"exit code {process.ExitCode}";
            throw new IOException($"formatting {device} as {label} failed: {reason}");
        }
    }
}
