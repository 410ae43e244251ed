using System.Globalization;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Docker's "container:NAME|ID" modes for the network, PID and IPC namespaces: the container joins the namespace of
/// another container's running process (/proc/PID/ns/TYPE). Targets are kept as the client named them and resolved
/// at every start, as Docker does.
/// </summary>
public static class SharedNamespaces
{
    private const string Prefix = "container:";

    /// <summary>The container a mode names ("container:x" → "x"), or null for any other mode.</summary>
    public static string? Target(string? mode) =>
        mode is not null && mode.StartsWith(Prefix, StringComparison.Ordinal) ? mode[Prefix.Length..] : null;

    /// <summary>Each shared namespace: its OCI type, Docker's word for it in errors, and the target as named.</summary>
    public static IEnumerable<(string Type, string Word, string Target)> Joined(HostConfig host)
    {
        foreach (var (type, word, mode) in new[] { ("network", "network", host.NetworkMode), ("pid", "PID", host.PidMode), ("ipc", "IPC", host.IpcMode) })
        {
            if (Target(mode) is { } target)
            {
                yield return (type, word, target);
            }
        }
    }

    /// <summary>Refuses an empty target ("container:") at create: 400, Docker's wording.</summary>
    public static void Validate(HostConfig host)
    {
        foreach (var (_, word, target) in Joined(host))
        {
            if (target.Length == 0)
            {
                throw new InvalidArgumentException($"Invalid {word} mode: invalid container format container:<name|id>");
            }
        }
    }

    /// <summary>
    /// The namespace file of the target's process. The target must run: 409 otherwise; a container cannot join itself
    /// (400); an unknown one is the lookup's 404.
    /// </summary>
    public static string NamespacePath(Container container, string type, string word, string target, Func<string, Container> lookup)
    {
        var joined = lookup(target);
        if (joined.Id == container.Id)
        {
            throw new InvalidArgumentException($"cannot join own {word} namespace");
        }
        var state = joined.State;
        if (!state.Running || state.Pid <= 0)
        {
            throw new ConflictException($"cannot join {word} of a non running container: {joined.Id}");
        }
        // /proc names the network namespace "net"; the others as OCI does.
        return $"/proc/{state.Pid.ToString(CultureInfo.InvariantCulture)}/ns/{(type == "network" ? "net" : type)}";
    }

    /// <summary>Checks every target before a start, so the client gets the 404/409 rather than crun's failure.</summary>
    public static void CheckTargets(Container container, Func<string, Container> lookup)
    {
        foreach (var (type, word, target) in Joined(container.Record.Config.HostConfig ?? new HostConfig()))
        {
            NamespacePath(container, type, word, target, lookup);
        }
    }
}
