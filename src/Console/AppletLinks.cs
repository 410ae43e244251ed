namespace CorralOS.Console;

/// <summary>
/// Step 0: links to /usr/bin/ros for the applets the console itself runs by name (getty runs `autologin` by path,
/// users run `respawn` and `cloud-init-execute`), made when missing, as RancherOS's entrypoint did. The image may
/// ship them; ros is bind-mounted from the host, so the links point at its fixed path.
/// </summary>
public static class AppletLinks
{
    public static readonly string[] Names = ["autologin", "respawn", "cloud-init-execute", "console-init"];

    /// <summary>Returns the links made; none when ros is not there.</summary>
    public static IReadOnlyList<string> Ensure(ConsoleOptions options)
    {
        var ros = Path.Combine(options.UsrBin, "ros");
        if (!File.Exists(ros))
        {
            return [];
        }
        var made = new List<string>();
        foreach (var name in Names)
        {
            var link = Path.Combine(options.UsrBin, name);
            if (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
            {
                continue;
            }
            File.CreateSymbolicLink(link, "ros");
            made.Add(link);
        }
        return made;
    }
}
