namespace CorralOS.Engine.Containers;

/// <summary>Docker's restart policies and the engine's back-off between restarts.</summary>
public sealed record RestartPolicy(string Name, int MaximumRetryCount)
{
    public static RestartPolicy Parse(RestartPolicyRequest? request)
    {
        var name = string.IsNullOrEmpty(request?.Name) ? "no" : request.Name;
        if (name is not ("no" or "always" or "on-failure" or "unless-stopped"))
        {
            throw new InvalidArgumentException($"invalid restart policy '{name}'");
        }
        var max = request?.MaximumRetryCount ?? 0;
        if (max < 0)
        {
            throw new InvalidArgumentException("invalid restart policy: maximum retry count cannot be negative");
        }
        if (max > 0 && name != "on-failure")
        {
            throw new InvalidArgumentException($"invalid restart policy: maximum retry count can only be used with 'on-failure'");
        }
        return new RestartPolicy(name, max);
    }

    /// <summary>Whether a container that just exited by itself is started again.</summary>
    public bool RestartsAfter(int exitCode, int restartCount, bool stoppedByUser) => Name switch
    {
        _ when stoppedByUser => false,
        "always" or "unless-stopped" => true,
        "on-failure" => exitCode != 0 && (MaximumRetryCount == 0 || restartCount < MaximumRetryCount),
        _ => false,
    };

    /// <summary>Whether the container is started when the engine starts (it was running, or policy always).</summary>
    public bool StartsWithEngine(ContainerState state) => Name switch
    {
        "always" => true,
        "unless-stopped" => !state.StoppedByUser,
        "on-failure" => state.Running,
        _ => false,
    };

    /// <summary>Docker's back-off: 100 ms doubling per consecutive restart, at most a minute; reset after 10 s of running.</summary>
    public static TimeSpan Delay(int consecutive) => TimeSpan.FromMilliseconds(Math.Min(60_000, 100 * Math.Pow(2, Math.Min(consecutive, 20))));
}
