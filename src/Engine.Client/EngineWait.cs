namespace CorralOS.Engine.Client;

/// <summary>
/// Polls an engine's /_ping until it answers, for at most a given time: `wait-for-docker` (RancherOS's waited for User
/// Docker's socket before a user service or a script talked to it), and the service manager before a user-scope
/// service's first request to User Docker.
/// </summary>
public static class EngineWait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_attempt = TimeSpan.FromSeconds(5);

    /// <summary>Returns once /_ping answered; throws <see cref="TimeoutException"/> (one line, the last failure) when time is up.</summary>
    public static async Task WaitAsync(string host, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var client = new EngineClient(host);
        await WaitAsync(client, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="WaitAsync(string, TimeSpan, CancellationToken)"/>
    public static async Task WaitAsync(EngineClient client, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var last = "no answer";
        while (true)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                attempt.CancelAfter(s_attempt);
                await client.PingAsync(attempt.Token).ConfigureAwait(false);
                return;
            }
            catch (EngineApiException e)
            {
                last = e.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "no answer to /_ping";
            }
            try
            {
                await Task.Delay(s_interval, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (deadline.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"docker did not answer at {client.Host} within {timeout.TotalSeconds:0} s: {last}");
            }
        }
    }
}
