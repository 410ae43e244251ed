using CorralOS.Config;

namespace CorralOS.Compose;

/// <summary>
/// What a parse produced: the services that could be read (in file order) and every problem found. Unknown keys are
/// marked (<see cref="ConfigProblem.IsUnknownKey"/>): errors for `validate`, warnings at boot, where the service is
/// still used as RancherOS's lenient parsing did. A service with any other problem is left out of
/// <see cref="Services"/>.
/// </summary>
public sealed record ComposeFile(IReadOnlyList<ServiceDefinition> Services, IReadOnlyList<ConfigProblem> Problems)
{
    public static ComposeFile Empty { get; } = new([], []);

    /// <summary>Problems other than unknown keys.</summary>
    public IEnumerable<ConfigProblem> Errors => Problems.Where(p => !p.IsUnknownKey);

    /// <summary>Both files' services (a later one of the same name replaces the earlier) and problems.</summary>
    public ComposeFile Concat(ComposeFile other)
    {
        var services = Services.Where(s => other.Services.All(o => o.Name != s.Name)).Concat(other.Services).ToList();
        return new ComposeFile(services, [.. Problems, .. other.Problems]);
    }
}
