using System.Globalization;
using System.Text.RegularExpressions;

namespace CorralOS.Cli.SystemDocker;

/// <summary>
/// --since/--until values as the docker CLI sends them: a Go duration ("10m", "1h30m") counts back from now, an
/// RFC 3339 time or date is converted, anything else (unix seconds) goes as written.
/// </summary>
internal static partial class Timestamps
{
    public static string? ToQuery(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (Duration().Match(value) is { Success: true } match)
        {
            var total = TimeSpan.Zero;
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unit = part.Value.TrimStart('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.');
                var number = double.Parse(part.Value[..^unit.Length], CultureInfo.InvariantCulture);
                total += unit switch
                {
                    "h" => TimeSpan.FromHours(number),
                    "m" => TimeSpan.FromMinutes(number),
                    "s" => TimeSpan.FromSeconds(number),
                    "ms" => TimeSpan.FromMilliseconds(number),
                    "us" or "µs" => TimeSpan.FromMicroseconds(number),
                    _ => TimeSpan.FromTicks((long)(number / 100)),
                };
            }
            return Unix(now - total);
        }
        if (!value.All(c => char.IsDigit(c) || c == '.')
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var time))
        {
            return Unix(time);
        }
        return value;
    }

    private static string Unix(DateTimeOffset time)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        return string.Create(CultureInfo.InvariantCulture, $"{ticks / TimeSpan.TicksPerSecond}.{ticks % TimeSpan.TicksPerSecond * 100:000000000}");
    }

    [GeneratedRegex(@"^(?<part>[0-9]+(\.[0-9]+)?(h|m|s|ms|us|µs|ns))+$")]
    private static partial Regex Duration();
}
