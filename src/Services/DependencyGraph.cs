using CorralOS.Compose;

namespace CorralOS.Services;

/// <summary>
/// Which service waits for which (reference §1.6): io.rancher.os.after / before, depends_on, links, volumes_from,
/// net/pid/ipc container:NAME, and RancherOS's implicit rules: a service not in the system scope waits for `docker`,
/// one whose image is missing waits for `network`, one logging to syslog waits for `syslog`. Only services of the
/// project count; a reference to anything else names a container that is simply expected to exist.
/// </summary>
public sealed class DependencyGraph
{
    private readonly Dictionary<string, SortedSet<string>> _dependencies;

    private DependencyGraph(IReadOnlyList<ServiceDefinition> services, Dictionary<string, SortedSet<string>> dependencies)
    {
        Services = services;
        _dependencies = dependencies;
    }

    public IReadOnlyList<ServiceDefinition> Services { get; }

    /// <summary>The services <paramref name="service"/> starts after.</summary>
    public IReadOnlySet<string> DependenciesOf(string service) => _dependencies[service];

    /// <summary>Builds the graph; throws <see cref="ServiceException"/> naming the members of a cycle.</summary>
    /// <param name="missingImages">Services whose image the engine does not have yet (they wait for `network`).</param>
    public static DependencyGraph Build(IReadOnlyList<ServiceDefinition> services, IReadOnlySet<string>? missingImages = null)
    {
        var byName = new Dictionary<string, ServiceDefinition>(StringComparer.Ordinal);
        var byContainer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            byName[service.Name] = service;
            byContainer.TryAdd(service.EffectiveContainerName, service.Name);
        }
        var dependencies = byName.Keys.ToDictionary(n => n, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        string? Resolve(string reference) =>
            byName.ContainsKey(reference) ? reference : byContainer.GetValueOrDefault(reference);
        void Edge(string from, string reference)
        {
            if (Resolve(reference) is { } to && to != from && dependencies.ContainsKey(from))
            {
                dependencies[from].Add(to);
            }
        }

        foreach (var service in byName.Values)
        {
            var name = service.Name;
            var labels = service.Rancher;
            foreach (var after in labels.StartsAfter)
            {
                Edge(name, after);
            }
            foreach (var before in labels.StartsBefore)
            {
                if (Resolve(before) is { } later)
                {
                    Edge(later, name);
                }
            }
            foreach (var reference in service.DependsOn.Concat(service.Links.Select(l => l.Split(':')[0])))
            {
                Edge(name, reference);
            }
            foreach (var from in service.VolumesFrom)
            {
                var reference = from.StartsWith("container:", StringComparison.Ordinal) ? from["container:".Length..] : from;
                Edge(name, reference.Split(':')[0]);
            }
            foreach (var mode in (string?[])[service.NetworkMode, service.Pid, service.Ipc])
            {
                if (mode?.Split(':', 2) is [("container" or "service"), var target])
                {
                    Edge(name, target);
                }
            }
            if (labels.ServiceScope != ServiceScope.System)
            {
                Edge(name, ServiceManager.UserDockerService);
            }
            if (missingImages?.Contains(name) == true)
            {
                Edge(name, "network");
            }
            if (service.LogDriver == "syslog")
            {
                Edge(name, "syslog");
            }
        }
        var graph = new DependencyGraph(services, dependencies);
        graph.ThrowOnCycle();
        return graph;
    }

    /// <summary>
    /// The services in waves: each wave's services depend only on earlier waves, so a wave can start in parallel.
    /// Within a wave, names in file order.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Waves()
    {
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var waves = new List<IReadOnlyList<string>>();
        var order = Services.Select(s => s.Name).Distinct().ToList();
        while (placed.Count < order.Count)
        {
            var wave = order.Where(n => !placed.Contains(n) && _dependencies[n].All(placed.Contains)).ToList();
            waves.Add(wave);
            placed.UnionWith(wave);
        }
        return waves;
    }

    /// <summary>The given services and everything they depend on, transitively.</summary>
    public IReadOnlySet<string> WithDependencies(IEnumerable<string> names)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(names.Where(_dependencies.ContainsKey));
        while (pending.TryPop(out var name))
        {
            if (result.Add(name))
            {
                foreach (var dependency in _dependencies[name])
                {
                    pending.Push(dependency);
                }
            }
        }
        return result;
    }

    // Depth-first search with colours; the grey path from the repeated service back to itself is the cycle.
    private void ThrowOnCycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        bool Visit(string name)
        {
            state[name] = 1;
            path.Add(name);
            foreach (var next in _dependencies[name])
            {
                var seen = state.GetValueOrDefault(next);
                if (seen == 1)
                {
                    var cycle = path.Skip(path.IndexOf(next)).Append(next);
                    throw new ServiceException($"dependency cycle: {string.Join(" -> ", cycle)}");
                }
                if (seen == 0 && Visit(next))
                {
                    return true;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            return false;
        }
        foreach (var name in _dependencies.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(name) == 0)
            {
                Visit(name);
            }
        }
    }
}
