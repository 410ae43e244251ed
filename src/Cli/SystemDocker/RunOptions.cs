using System.CommandLine;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.SystemDocker;

/// <summary>The options of `run` (docker's names and short forms) and the create body they make.</summary>
internal sealed class RunOptions
{
    public RunOptions(Command command)
    {
        foreach (var option in new Option[] { Detach, Rm, Interactive, Tty, Env, Workdir, User, Volume, Name, Restart, Privileged, Network, Entrypoint, Label, Pid, Ipc, Uts, Hostname, CapAdd, CapDrop, ReadOnly, Tmpfs, VolumesFrom, DetachKeys, StopSignal })
        {
            command.Options.Add(option);
        }
    }

    public Option<bool> Detach { get; } = new("--detach", "-d") { Description = "Run container in background and print container ID" };
    public Option<bool> Rm { get; } = new("--rm") { Description = "Automatically remove the container when it exits" };
    public Option<bool> Interactive { get; } = new("--interactive", "-i") { Description = "Keep STDIN open even if not attached" };
    public Option<bool> Tty { get; } = new("--tty", "-t") { Description = "Allocate a pseudo-TTY" };
    public Option<string[]> Env { get; } = new("--env", "-e") { Description = "Set environment variables (NAME=VALUE, or NAME to pass this shell's value)" };
    public Option<string?> Workdir { get; } = new("--workdir", "-w") { Description = "Working directory inside the container" };
    public Option<string?> User { get; } = new("--user", "-u") { Description = "Username or UID (format: <name|uid>[:<group|gid>])" };
    public Option<string[]> Volume { get; } = new("--volume", "-v") { Description = "Bind mount a volume (HOST:CONTAINER[:ro], NAME:CONTAINER, or CONTAINER for an anonymous volume)" };
    public Option<string?> Name { get; } = new("--name") { Description = "Assign a name to the container" };
    public Option<string?> Restart { get; } = new("--restart") { Description = "Restart policy to apply when a container exits: no, always, unless-stopped, on-failure[:N]" };
    public Option<bool> Privileged { get; } = new("--privileged") { Description = "Give extended privileges to this container" };
    public Option<string?> Network { get; } = new("--network", "--net") { Description = "Connect a container to a network: host, none, container:<name|id>" };
    public Option<string?> Entrypoint { get; } = new("--entrypoint") { Description = "Overwrite the default ENTRYPOINT of the image" };
    public Option<string[]> Label { get; } = new("--label", "-l") { Description = "Set meta data on a container (KEY=VALUE)" };
    public Option<string?> Pid { get; } = new("--pid") { Description = "PID namespace to use (host)" };
    public Option<string?> Ipc { get; } = new("--ipc") { Description = "IPC mode to use (host)" };
    public Option<string?> Uts { get; } = new("--uts") { Description = "UTS namespace to use (host)" };
    public Option<string?> Hostname { get; } = new("--hostname") { Description = "Container host name" };
    public Option<string[]> CapAdd { get; } = new("--cap-add") { Description = "Add Linux capabilities" };
    public Option<string[]> CapDrop { get; } = new("--cap-drop") { Description = "Drop Linux capabilities" };
    public Option<bool> ReadOnly { get; } = new("--read-only") { Description = "Mount the container's root filesystem as read only" };
    public Option<string[]> Tmpfs { get; } = new("--tmpfs") { Description = "Mount a tmpfs directory (PATH[:OPTIONS])" };
    public Option<string[]> VolumesFrom { get; } = new("--volumes-from") { Description = "Mount volumes from the specified container(s)" };
    public Option<string?> DetachKeys { get; } = new("--detach-keys") { Description = "Override the key sequence for detaching a container (default ctrl-p,ctrl-q)" };
    public Option<string?> StopSignal { get; } = new("--stop-signal") { Description = "Signal to stop the container" };

    public ContainerSpec ToSpec(ParseResult parse, string image, string[] arguments)
    {
        var interactive = parse.GetValue(Interactive);
        var detach = parse.GetValue(Detach);
        var (binds, volumes) = SplitVolumes(parse.GetValue(Volume) ?? []);
        var spec = new ContainerSpec
        {
            Image = image,
            Cmd = arguments.Length > 0 ? [.. arguments] : null,
            Entrypoint = parse.GetValue(Entrypoint) is { } entrypoint ? [entrypoint] : null,
            Env = EnvironmentList(parse.GetValue(Env) ?? []),
            Labels = Labels(parse.GetValue(Label) ?? []),
            User = parse.GetValue(User),
            WorkingDir = parse.GetValue(Workdir),
            Hostname = parse.GetValue(Hostname),
            Tty = parse.GetValue(Tty),
            OpenStdin = interactive,
            StdinOnce = interactive && !detach,
            AttachStdin = interactive && !detach,
            AttachStdout = !detach,
            AttachStderr = !detach,
            StopSignal = parse.GetValue(StopSignal),
            Volumes = volumes.Count > 0 ? volumes.ToDictionary(v => v, _ => new Dictionary<string, string>()) : null,
        };
        var host = spec.HostConfig;
        host.Binds = binds.Count > 0 ? binds : null;
        host.NetworkMode = parse.GetValue(Network);
        host.PidMode = parse.GetValue(Pid);
        host.IpcMode = parse.GetValue(Ipc);
        host.UtsMode = parse.GetValue(Uts);
        host.Privileged = parse.GetValue(Privileged);
        host.CapAdd = NullIfEmpty(parse.GetValue(CapAdd));
        host.CapDrop = NullIfEmpty(parse.GetValue(CapDrop));
        host.ReadonlyRootfs = parse.GetValue(ReadOnly);
        host.VolumesFrom = NullIfEmpty(parse.GetValue(VolumesFrom));
        host.Tmpfs = parse.GetValue(Tmpfs) is { Length: > 0 } tmpfs ? tmpfs.ToDictionary(t => t.Split(':', 2)[0], t => t.Contains(':', StringComparison.Ordinal) ? t.Split(':', 2)[1] : "") : null;
        host.AutoRemove = parse.GetValue(Rm);
        host.RestartPolicy = parse.GetValue(Restart) is { Length: > 0 } restart ? ParseRestart(restart) : null;
        if (spec.Tty && AttachedStreams.TerminalSize() is { } size)
        {
            host.ConsoleSize = [size.Rows, size.Columns];
        }
        return spec;
    }

    /// <summary>no, always, unless-stopped, on-failure[:N].</summary>
    public static RestartPolicySpec ParseRestart(string value)
    {
        var parts = value.Split(':', 2);
        return parts[0] switch
        {
            "no" or "always" or "unless-stopped" when parts.Length == 1 => new RestartPolicySpec(parts[0], 0),
            "on-failure" when parts.Length == 1 => new RestartPolicySpec("on-failure", 0),
            "on-failure" when int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var count) && count >= 0 => new RestartPolicySpec("on-failure", count),
            _ => throw new UsageException($"invalid restart policy format: {value}"),
        };
    }

    // NAME=VALUE as given; a bare NAME takes this process's value and is left out when unset (as docker -e).
    private static List<string>? EnvironmentList(string[] values)
    {
        var list = new List<string>();
        foreach (var value in values)
        {
            if (value.Contains('=', StringComparison.Ordinal))
            {
                if (value.StartsWith('='))
                {
                    throw new UsageException($"invalid environment variable: {value}");
                }
                list.Add(value);
            }
            else if (Environment.GetEnvironmentVariable(value) is { } current)
            {
                list.Add($"{value}={current}");
            }
        }
        return list.Count > 0 ? list : null;
    }

    private static Dictionary<string, string>? Labels(string[] values) =>
        values.Length == 0 ? null : values.Select(v => v.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last() is [_, var value] ? value : "");

    // "/data" alone is an anonymous volume (Config.Volumes); anything with a source is a bind or named volume.
    private static (List<string> Binds, List<string> Volumes) SplitVolumes(string[] values)
    {
        var binds = new List<string>();
        var volumes = new List<string>();
        foreach (var value in values)
        {
            if (value.Contains(':', StringComparison.Ordinal))
            {
                binds.Add(value);
            }
            else
            {
                volumes.Add(value);
            }
        }
        return (binds, volumes);
    }

    private static List<string>? NullIfEmpty(string[]? values) => values is { Length: > 0 } ? [.. values] : null;
}
