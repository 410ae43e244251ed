using System.Globalization;

namespace CorralOS.Engine.Containers;

/// <summary>Signal names and numbers (x86_64) as Docker accepts them: "SIGTERM", "TERM", "15".</summary>
public static class Signals
{
    public const int SIGKILL = 9;

    private static readonly string[] s_names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    public static int Parse(string signal)
    {
        if (int.TryParse(signal, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 64)
        {
            return number;
        }
        var name = signal.ToUpperInvariant();
        name = name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : name;
        var index = Array.IndexOf(s_names, name);
        if (index <= 0)
        {
            throw new InvalidArgumentException($"Invalid signal: {signal}");
        }
        return index;
    }
}
