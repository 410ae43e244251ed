using CorralOS.Engine.Containers;
using Microsoft.AspNetCore.Http;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>
/// Attach to a container with a TTY or an open stdin (`docker run -it`, `docker run -i`, `docker attach`): output
/// live from the container's <see cref="ContainerIo"/> (raw with a TTY, multiplexed without), the client's input
/// to the process (closed at the client's end when the container has StdinOnce, as `docker run -i` asks), until
/// the container exits or goes, or the client types the detach keys.
/// </summary>
internal static class InteractiveAttach
{
    public static async Task RunAsync(HttpContext context, ContainerEngine engine, Container container)
    {
        var attachedAt = DateTimeOffset.UtcNow;
        var config = container.Record.Config;
        var query = context.Request.Query;
        bool Flag(string name) => query[name].ToString() is "1" or "true" or "True";
        var (stdin, stdout, stderr) = (Flag("stdin"), Flag("stdout"), Flag("stderr"));
        var keys = DetachKeys.Parse(query["detachKeys"]);
        await using var hijack = await Hijack.OpenAsync(context, config.Tty);
        if (Flag("logs"))
        {
            var past = new LogQuery(stdout, stderr, Follow: false, Tail: null, Since: null, Until: null);
            await foreach (var entry in LogReader.ReadAsync(container, engine.Store.Layout.LogFile(container.Id), past, _ => false, CancellationToken.None))
            {
                await hijack.WriteAsync(entry.Stream == "stderr" ? 2 : 1, System.Text.Encoding.UTF8.GetBytes(entry.Text));
            }
        }
        if (!Flag("stream"))
        {
            return;
        }
        using var subscription = container.Io.Subscribe((stream, data) =>
            (stream == 2 ? stderr : stdout) ? hijack.WriteAsync(config.Tty ? 1 : stream, data) : Task.CompletedTask);
        // With a TTY the client may detach (ctrl-p ctrl-q unless it says otherwise): the connection ends, the container runs on.
        var input = new DetachingInput(hijack.Input, config.Tty ? keys : []);
        if (stdin && config.OpenStdin)
        {
            _ = ForwardInputAsync(input, container);
        }
        while (true)
        {
            var changed = container.Changed;
            var state = container.State;
            if (container.Removed || (state.Status is ContainerStatus.Exited or ContainerStatus.Dead && state.FinishedAt > attachedAt))
            {
                return;
            }
            if (await Task.WhenAny(changed, input.Detached) == input.Detached)
            {
                engine.Events.Container(container, "detach");
                return;
            }
        }
    }

    private static async Task ForwardInputAsync(Stream input, Container container)
    {
        var target = await container.Io.InputAsync();
        if (target is null)
        {
            return;
        }
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read));
                await target.FlushAsync();
            }
            // The client's end of input: a pipe stdin is closed (StdinOnce, as `docker run -i` creates), a terminal stays.
            if (container.Record.Config.StdinOnce && !container.Record.Config.Tty)
            {
                await target.DisposeAsync();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client or the process went away.
        }
    }
}
