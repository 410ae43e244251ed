using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using CorralOS.Cli.SystemDocker.Formatting;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`version`, `info` and `events`: the engine's own documents, in the docker CLI's layout or through --format.</summary>
internal static class SystemCommands
{
    private const string VersionTemplate = """
        Client:
         Version:           {{.Client.Version}}
         API version:       {{.Client.ApiVersion}}
         OS/Arch:           {{.Client.Os}}/{{.Client.Arch}}
         Context:           {{.Client.Context}}

        Server: {{.Server.Platform.Name}}
         Engine:
          Version:          {{.Server.Version}}
          API version:      {{.Server.ApiVersion}} (minimum version {{.Server.MinAPIVersion}})
          Go version:       {{.Server.GoVersion}}
          Git commit:       {{.Server.GitCommit}}
          Built:            {{.Server.BuildTime}}
          OS/Arch:          {{.Server.Os}}/{{.Server.Arch}}
          Experimental:     {{.Server.Experimental}}
        """;

    private const string InfoTemplate = """
        Client:
         Version:    {{.ClientInfo.Version}}
         Context:    default
         Debug Mode: false

        Server:
         Containers: {{.Containers}}
          Running: {{.ContainersRunning}}
          Paused: {{.ContainersPaused}}
          Stopped: {{.ContainersStopped}}
         Images: {{.Images}}
         Server Version: {{.ServerVersion}}
         Storage Driver: {{.Driver}}
         Logging Driver: {{.LoggingDriver}}
         Cgroup Driver: {{.CgroupDriver}}
         Cgroup Version: {{.CgroupVersion}}
         Kernel Version: {{.KernelVersion}}
         Operating System: {{.OperatingSystem}}
         OSType: {{.OSType}}
         Architecture: {{.Architecture}}
         CPUs: {{.NCPU}}
         Total Memory: {{.MemTotalHuman}}
         Name: {{.Name}}
         ID: {{.ID}}
         Docker Root Dir: {{.DockerRootDir}}
         Debug Mode: {{.Debug}}
        """;

    public static Command Version()
    {
        var command = new Command("version", "Show the client and engine version information");
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a Go template ({{.Server.Version}}, {{.Client.Version}}, {{json .}})" };
        command.Options.Add(format);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var template = GoTemplate.Parse(Template(parse.GetValue(format), VersionTemplate));
            var server = await context.Client.VersionAsync(cancellationToken);
            var data = Merge(new Dictionary<string, JsonElement> { ["Client"] = ClientVersion(), ["Server"] = server });
            context.Output.WriteLine(template.Execute(data));
            return 0;
        });
        return command;
    }

    public static Command Info()
    {
        var command = new Command("info", "Display system-wide information");
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a Go template ({{.ServerVersion}}, {{.Containers}}, {{json .}})" };
        command.Options.Add(format);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var template = GoTemplate.Parse(Template(parse.GetValue(format), InfoTemplate));
            var info = await context.Client.InfoAsync(cancellationToken);
            var memory = info.TryGetProperty("MemTotal", out var m) && m.TryGetInt64(out var bytes) ? bytes : 0;
            var extra = new Dictionary<string, JsonElement>
            {
                ["ClientInfo"] = ClientVersion(),
                ["MemTotalHuman"] = Text(HumanUnits.BinarySize(memory)),
            };
            context.Output.WriteLine(template.Execute(Merge(extra, info)));
            return 0;
        });
        return command;
    }

    public static Command Events()
    {
        var command = new Command("events", "Get real time events from the engine (until --until, or ctrl-c)");
        var since = new Option<string?>("--since") { Description = "Show all events created since timestamp (unix seconds, RFC 3339, or relative: 10m)" };
        var until = new Option<string?>("--until") { Description = "Stream events until this timestamp" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Filter output based on conditions provided (type, event, container, image, label)" };
        var format = new Option<string?>("--format") { Description = "Format the output using a Go template ({{.Type}} {{.Action}} {{.Actor.ID}}) or 'json'" };
        command.Options.Add(filter);
        command.Options.Add(format);
        command.Options.Add(since);
        command.Options.Add(until);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var custom = parse.GetValue(format) is { Length: > 0 } f ? GoTemplate.Parse(f == "json" ? "{{json .}}" : f.Replace("\\t", "\t", StringComparison.Ordinal)) : null;
            var now = DateTimeOffset.UtcNow;
            try
            {
                await context.Client.EventsAsync(Timestamps.ToQuery(parse.GetValue(since), now), Timestamps.ToQuery(parse.GetValue(until), now), Filters.Parse(parse.GetValue(filter)), message =>
                {
                    context.Output.WriteLine(custom is null ? Line(message) : custom.Execute(message));
                    context.Output.Flush();
                }, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // ctrl-c ends the stream
            }
            return 0;
        });
        return command;
    }

    /// <summary>Docker's event line: "TIME TYPE ACTION ID (key=value, ...)", the time in RFC 3339 with nanoseconds.</summary>
    public static string Line(JsonElement message)
    {
        var line = new System.Text.StringBuilder();
        if (message.TryGetProperty("timeNano", out var nano) && nano.TryGetInt64(out var nanoseconds) && nanoseconds != 0)
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(nanoseconds / 1_000_000).ToLocalTime();
            var offset = time.Offset == TimeSpan.Zero ? "Z" : time.ToString("zzz", CultureInfo.InvariantCulture);
            line.Append(CultureInfo.InvariantCulture, $"{time:yyyy-MM-ddTHH:mm:ss}.{nanoseconds % 1_000_000_000:000000000}{offset} ");
        }
        var actor = message.TryGetProperty("Actor", out var a) ? a : default;
        line.Append(CultureInfo.InvariantCulture, $"{ContainerRows.String(message, "Type")} {ContainerRows.String(message, "Action")} {ContainerRows.String(actor, "ID")}");
        if (actor.ValueKind == JsonValueKind.Object && actor.TryGetProperty("Attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object && attributes.EnumerateObject().Any())
        {
            line.Append(" (").AppendJoin(", ", attributes.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}")).Append(')');
        }
        return line.ToString();
    }

    private static string Template(string? format, string standard) =>
        format is { Length: > 0 } f ? (f == "json" ? "{{json .}}" : f.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal)) : standard;

    private static JsonElement ClientVersion() => JsonRow.From(new Dictionary<string, string>
    {
        ["Version"] = ProductVersion.Value,
        ["ApiVersion"] = "1.41",
        ["DefaultAPIVersion"] = "1.41",
        ["Os"] = "linux",
        ["Arch"] = RuntimeInformation.OSArchitecture switch { Architecture.X64 => "amd64", Architecture.Arm64 => "arm64", var other => other.ToString().ToLowerInvariant() },
        ["Context"] = "default",
        ["Platform"] = "CorralOS system-docker",
    });

    private static JsonElement Text(string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(text);
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    // An object of the given members, then every member of `rest` (an object) not already written.
    private static JsonElement Merge(Dictionary<string, JsonElement> members, JsonElement rest = default)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in members)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
            if (rest.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in rest.EnumerateObject().Where(p => !members.ContainsKey(p.Name)))
                {
                    property.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
