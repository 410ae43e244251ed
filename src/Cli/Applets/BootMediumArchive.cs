using CorralOS.Install;

namespace CorralOS.Cli.Applets;

/// <summary>
/// A console's or engine's image archive on the boot medium (the ISO's consoles/ and engines/, build/consoles.sh and
/// build/engines.sh), copied whole (a temporary file, then a rename) into the staged images directory, where PID 1
/// loads it from at boot: `ros console enable/switch`, `ros engine`, `ros os upgrade --upgrade-console`.
/// </summary>
internal static class BootMediumArchive
{
    /// <summary>The archive's name for an image: corralos/os-console-debian:1.2.3 → os-console-debian.tar.</summary>
    public static string FileName(string image) => image.Split(':')[0].Split('/')[^1] + ".tar";

    /// <summary>The copy's path in <paramref name="staged"/>, or null with <paramref name="why"/> no medium gave it.</summary>
    /// <param name="accept">Whether the medium's archive is the one wanted (null: any of that name).</param>
    public static string? TryCopy(string image, string mediumFolder, string staged, Func<string, bool>? accept, out string why)
    {
        var name = FileName(image);
        BootMedium medium;
        try
        {
            medium = BootMedium.Mount();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = e.Message;
            return null;
        }
        using (medium)
        {
            var source = Path.Combine(medium.MountPoint, mediumFolder, name);
            if (!File.Exists(source) || accept?.Invoke(source) == false)
            {
                why = $"the boot medium {medium.Device} has no /{mediumFolder}/{name}{(accept is null ? "" : $" holding {image}")}";
                return null;
            }
            Directory.CreateDirectory(staged);
            var target = Path.Combine(staged, name);
            var temporary = target + ".partial";
            File.Copy(source, temporary, overwrite: true);
            File.Move(temporary, target, overwrite: true);
            why = "";
            return target;
        }
    }
}
