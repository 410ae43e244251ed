using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// The raw kernel command line, for the parameters console-init reads itself: every console=, every
/// rancher.autologin= (both may repeat, which the config layer would collapse) and rancher.password= as typed.
/// </summary>
public sealed class ConsoleCmdline
{
    private readonly IReadOnlyList<string> _parameters;

    public ConsoleCmdline(string text) => _parameters = KernelCmdline.Split(text);

    public static ConsoleCmdline Read(string path) => new(File.Exists(path) ? File.ReadAllText(path) : "");

    /// <summary>Every value of <paramref name="name"/>, in order, with surrounding quotes removed.</summary>
    public IReadOnlyList<string> Values(string name) =>
        _parameters
            .Where(p => p.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(p => Unquote(p[(name.Length + 1)..]))
            .ToList();

    public string? Last(string name) => Values(name) is { Count: > 0 } values ? values[^1] : null;

    /// <summary>The tty names of console= (ttyS0,115200n8 gives ttyS0 with speed 115200).</summary>
    public IReadOnlyList<(string Tty, string? Speed)> Consoles() =>
        Values("console").Select(value =>
        {
            var parts = value.Split(',', 2);
            var speed = parts.Length > 1 ? new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()) : "";
            return (parts[0], speed.Length > 0 ? speed : (string?)null);
        }).ToList();

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value;
}
