namespace CorralOS.CloudInit;

/// <summary>
/// Probes every datasource at once (reference §5.1) and returns the first that reports available. Each retries
/// with a growing pause (100 ms doubling up to 5 s) until the total bound passes; then none is chosen.
/// </summary>
public static class DatasourceSelector
{
    private static readonly TimeSpan s_firstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_longestPause = TimeSpan.FromSeconds(5);

    public static async Task<IDatasource?> SelectAsync(IReadOnlyList<IDatasource> sources, TimeSpan bound, CancellationToken cancellationToken)
    {
        if (sources.Count == 0)
        {
            return null;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(bound);
        var probes = sources.Select(s => ProbeAsync(s, stop.Token)).ToList();
        try
        {
            while (probes.Count > 0)
            {
                var done = await Task.WhenAny(probes).ConfigureAwait(false);
                probes.Remove(done);
                if (await done.ConfigureAwait(false) is { } found)
                {
                    return found;
                }
            }
            return null;
        }
        finally
        {
            // The losers stop at their next await; nothing of theirs is used.
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task<IDatasource?> ProbeAsync(IDatasource source, CancellationToken cancellationToken)
    {
        var pause = s_firstPause;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await source.IsAvailableAsync(cancellationToken).ConfigureAwait(false))
                {
                    return source;
                }
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DatasourceException or HttpRequestException or InvalidOperationException)
            {
                // A drive or service in a bad state now may be fine on the next try; the bound ends it.
            }
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, s_longestPause.Ticks));
        }
        return null;
    }
}
