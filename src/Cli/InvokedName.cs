namespace CorralOS.Cli;

/// <summary>argv[0] as the caller wrote it (a symlink name such as /sbin/poweroff), not the resolved binary.</summary>
internal static class InvokedName
{
    public static string Read()
    {
        // /proc/self/cmdline holds the raw argv; at the very start of PID 1 /proc is not mounted yet.
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            var end = Array.IndexOf(cmdline, (byte)0);
            if (end > 0)
            {
                return System.Text.Encoding.UTF8.GetString(cmdline, 0, end);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Environment.GetCommandLineArgs()[0];
    }
}
