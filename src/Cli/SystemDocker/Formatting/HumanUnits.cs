using System.Globalization;

namespace CorralOS.Cli.SystemDocker.Formatting;

/// <summary>Durations and sizes written as the docker CLI writes them (go-units' HumanDuration and HumanSizeWithPrecision).</summary>
public static class HumanUnits
{
    private static readonly string[] s_decimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    private static readonly string[] s_binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds < 1)
        {
            return "Less than a second";
        }
        if (seconds == 1)
        {
            return "1 second";
        }
        if (seconds < 60)
        {
            return $"{seconds} seconds";
        }
        var minutes = (long)duration.TotalMinutes;
        if (minutes == 1)
        {
            return "About a minute";
        }
        if (minutes < 60)
        {
            return $"{minutes} minutes";
        }
        var hours = (long)Math.Round(duration.TotalHours, MidpointRounding.AwayFromZero);
        return hours switch
        {
            1 => "About an hour",
            < 48 => $"{hours} hours",
            < 24 * 7 * 2 => $"{hours / 24} days",
            < 24 * 30 * 2 => $"{hours / 24 / 7} weeks",
            < 24 * 365 * 2 => $"{hours / 24 / 30} months",
            _ => $"{(long)duration.TotalHours / 24 / 365} years",
        };
    }

    /// <summary>"2 minutes ago" for a unix time in seconds.</summary>
    public static string Ago(long unixSeconds) => Duration(DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(unixSeconds)) + " ago";

    /// <summary>Decimal units with three significant digits: 4.26MB, 512B, 1.2GB.</summary>
    public static string Size(double bytes, int precision = 3) => Scaled(bytes, 1000, s_decimalUnits, "G" + precision.ToString(CultureInfo.InvariantCulture));

    /// <summary>Binary units with four significant digits as `docker info` shows memory: 23.54GiB.</summary>
    public static string BinarySize(double bytes) => Scaled(bytes, 1024, s_binaryUnits, "G4");

    /// <summary>Go's time.Time.String() for a unix time, in local time: "2026-11-26 15:53:21 +0000 UTC".</summary>
    public static string GoTime(DateTimeOffset time)
    {
        var local = time.ToLocalTime();
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var zone = offset == TimeSpan.Zero ? "UTC" : TimeZoneInfo.Local.IsDaylightSavingTime(local) ? TimeZoneInfo.Local.DaylightName : TimeZoneInfo.Local.StandardName;
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd HH:mm:ss} {sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00} {zone}");
    }

    private static string Scaled(double size, double unit, string[] units, string precision)
    {
        var i = 0;
        while (size >= unit && i < units.Length - 1)
        {
            size /= unit;
            i++;
        }
        var number = size.ToString(precision, CultureInfo.InvariantCulture).Replace("E+0", "e+0", StringComparison.Ordinal).Replace("E+", "e+", StringComparison.Ordinal);
        return number + units[i];
    }
}
