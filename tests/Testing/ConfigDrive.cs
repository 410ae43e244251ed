using System.Diagnostics;

namespace CorralOS.Testing;

/// <summary>Builds an OpenStack-style config drive: ISO9660 (Joliet + Rock Ridge) labelled config-2 with openstack/latest/user_data.</summary>
public static class ConfigDrive
{
    public const string Label = "config-2";

    /// <summary>Writes the ISO at <paramref name="isoPath"/> with <paramref name="userData"/> as user_data (and a minimal meta_data.json).</summary>
    public static async Task CreateAsync(string isoPath, string userData, CancellationToken cancellationToken = default)
    {
        var stage = isoPath + ".d";
        var latest = Path.Combine(stage, "openstack", "latest");
        Directory.CreateDirectory(latest);
        await File.WriteAllTextAsync(Path.Combine(latest, "user_data"), userData, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(latest, "meta_data.json"), "{\"uuid\": \"00000000-0000-0000-0000-000000000000\"}\n",
            cancellationToken).ConfigureAwait(false);

        var (code, output) = await Tools.RunAsync("xorriso",
            ["-as", "mkisofs", "-quiet", "-V", Label, "-J", "-R", "-o", isoPath, stage], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"xorriso failed ({code}) making the config drive: {output}");
        }

        Directory.Delete(stage, true);
    }
}

/// <summary>Host tools the harness and tests run (xorriso, mkfs, mcopy).</summary>
public static class Tools
{
    /// <summary>Runs a tool to completion; returns its exit code and combined output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (p.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }
}
