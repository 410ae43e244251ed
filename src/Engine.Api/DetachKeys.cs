namespace CorralOS.Engine.Api;

/// <summary>
/// Docker's detach keys (`detachKeys` on attach, `DetachKeys` of an exec): comma-separated keys, each one character
/// or `ctrl-X` (X a letter, `@`, `[`, `\`, `]`, `^` or `_`); ctrl-p,ctrl-q when none are given.
/// </summary>
public static class DetachKeys
{
    public static readonly byte[] Default = [16, 17];

    public static byte[] Parse(string? keys)
    {
        if (string.IsNullOrEmpty(keys))
        {
            return Default;
        }
        var codes = new List<byte>();
        foreach (var key in keys.Split(','))
        {
            if (key.Length == 1 && key[0] < 128)
            {
                codes.Add((byte)key[0]);
            }
            else if (key.Length == 6 && key.StartsWith("ctrl-", StringComparison.OrdinalIgnoreCase) && Control(char.ToLowerInvariant(key[5])) is { } code)
            {
                codes.Add(code);
            }
            else
            {
                throw new InvalidArgumentException($"Invalid detach keys ({keys}) provided: unknown character '{key}'");
            }
        }
        return [.. codes];
    }

    private static byte? Control(char c) => c switch
    {
        >= 'a' and <= 'z' => (byte)(c - 'a' + 1),
        '@' => 0,
        '[' => 27,
        '\\' => 28,
        ']' => 29,
        '^' => 30,
        '_' => 31,
        _ => null,
    };
}
