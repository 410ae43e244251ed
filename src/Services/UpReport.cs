namespace CorralOS.Services;

/// <summary>What happened to one service during `up`.</summary>
public sealed record ServiceOutcome(string Service, string Container, ConvergeAction Action, bool Started, long? ExitCode);

/// <summary>What `up` did: one outcome per service that converged, one message per service that failed.</summary>
public sealed class UpReport
{
    public List<ServiceOutcome> Outcomes { get; } = [];

    public Dictionary<string, string> Failures { get; } = new(StringComparer.Ordinal);

    public int Rounds { get; set; }

    /// <summary>Throws one <see cref="ServiceException"/> listing every failure, if there was any.</summary>
    public void ThrowIfFailed()
    {
        if (Failures.Count > 0)
        {
            throw new ServiceException(string.Join("; ", Failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {f.Value}")));
        }
    }
}
