namespace CorralOS.Engine.Containers;

/// <summary>
/// HostConfig.LogConfig: `json-file` (the default; its options are accepted and not applied), `none`, and `syslog`
/// (options syslog-address `unixgram:///PATH`, syslog-facility, syslog-format rfc3164/rfc5424, tag with
/// {{.Name}}, {{.ID}}, {{.FullID}}, {{.ImageName}}). Checked at create; opened at each start.
/// </summary>
public static class LogDrivers
{
    private static readonly string[] s_syslogOptions = ["syslog-address", "syslog-facility", "syslog-format", "tag"];

    private static readonly Dictionary<string, int> s_facilities = new(StringComparer.Ordinal)
    {
        ["kern"] = 0, ["user"] = 1, ["mail"] = 2, ["daemon"] = 3, ["auth"] = 4, ["syslog"] = 5, ["lpr"] = 6, ["news"] = 7,
        ["uucp"] = 8, ["cron"] = 9, ["authpriv"] = 10, ["ftp"] = 11, ["local0"] = 16, ["local1"] = 17, ["local2"] = 18,
        ["local3"] = 19, ["local4"] = 20, ["local5"] = 21, ["local6"] = 22, ["local7"] = 23,
    };

    public static string Name(ContainerCreateRequest config) => config.HostConfig?.LogConfig?.Type is { Length: > 0 } type ? type : "json-file";

    /// <summary>Whether `docker logs` can read the container's output back (only json-file keeps it).</summary>
    public static bool Readable(ContainerCreateRequest config) => Name(config) == "json-file";

    /// <summary>400 for an unknown driver or an option the driver does not have (Docker's messages).</summary>
    public static void Validate(LogConfig? log)
    {
        var type = log?.Type is { Length: > 0 } t ? t : "json-file";
        var options = log?.Config ?? [];
        switch (type)
        {
            case "json-file":
                return;
            case "none":
                if (options.Count > 0)
                {
                    throw new InvalidArgumentException($"unknown log opt '{options.Keys.First()}' for none log driver");
                }
                return;
            case "syslog":
                foreach (var key in options.Keys.Where(k => !s_syslogOptions.Contains(k)))
                {
                    throw new InvalidArgumentException($"unknown log opt '{key}' for syslog log driver");
                }
                SocketPath(options);
                Facility(options);
                if (options.GetValueOrDefault("syslog-format") is { Length: > 0 } format && format is not ("rfc3164" or "rfc5424" or "rfc5424micro"))
                {
                    throw new InvalidArgumentException($"Invalid syslog format: {format}");
                }
                return;
            default:
                throw new InvalidArgumentException($"logger: no log driver named '{type}' is registered");
        }
    }

    public static LineLog Open(Container container, ContainerLayout layout)
    {
        var config = container.Record.Config;
        var options = config.HostConfig?.LogConfig?.Config ?? [];
        return Name(config) switch
        {
            "none" => new NoneLog(),
            "syslog" => new SyslogLog(SocketPath(options), Facility(options), Tag(container, options), options.GetValueOrDefault("syslog-format") is "rfc5424" or "rfc5424micro"),
            _ => new JsonFileLog(layout.LogFile(container.Id)),
        };
    }

    private static string SocketPath(Dictionary<string, string> options)
    {
        var address = options.GetValueOrDefault("syslog-address");
        if (string.IsNullOrEmpty(address))
        {
            return "/dev/log";
        }
        const string scheme = "unixgram://";
        return address.StartsWith(scheme, StringComparison.Ordinal) && address.Length > scheme.Length && address[scheme.Length] == '/'
            ? address[scheme.Length..]
            : throw new InvalidArgumentException($"syslog-address {address} is not supported: use unixgram:///PATH (local syslog only)");
    }

    private static int Facility(Dictionary<string, string> options)
    {
        var name = options.GetValueOrDefault("syslog-facility");
        return string.IsNullOrEmpty(name) ? s_facilities["daemon"]
            : s_facilities.TryGetValue(name, out var facility) ? facility
            : throw new InvalidArgumentException($"invalid syslog facility: {name}");
    }

    // Docker's tag templates; the default is the container's name.
    private static string Tag(Container container, Dictionary<string, string> options) =>
        options.GetValueOrDefault("tag") is { Length: > 0 } tag
            ? tag.Replace("{{.Name}}", container.Name, StringComparison.Ordinal)
                .Replace("{{.FullID}}", container.Id, StringComparison.Ordinal)
                .Replace("{{.ID}}", container.Id[..12], StringComparison.Ordinal)
                .Replace("{{.ImageName}}", container.Record.Image, StringComparison.Ordinal)
            : container.Name;
}
