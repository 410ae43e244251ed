using System.Globalization;

namespace CorralOS.Engine.Tests;

/// <summary>GET /events through the docker CLI: a container's lifecycle in order, image events, filters, since/until.</summary>
public sealed class EventTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<string> DockerOkAsync(params string[] args)
    {
        var (exit, output, error) = await _engine.DockerAsync(args);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    private static string Now() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000m).ToString("0.000", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Events_since_until_show_a_containers_lifecycle_in_order()
    {
        var since = Now();
        var (exit, _, error) = await _engine.DockerAsync("run", "--name", "ev", "-l", "team=a", "busybox:test", "sh", "-c", "exit 3");
        Assert.True(exit == 3, error);
        await DockerOkAsync("rename", "ev", "ev2");
        await DockerOkAsync("start", "ev2");
        await DockerOkAsync("wait", "ev2");
        await DockerOkAsync("rm", "ev2");
        await DockerOkAsync("tag", "busybox:test", "other:1");
        await DockerOkAsync("rmi", "other:1");
        var until = Now();

        var format = "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}";
        var lines = (await DockerOkAsync("events", "--since", since, "--until", until, "--format", format)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "container create ev <no value>",
                "container attach ev <no value>",
                "container start ev <no value>",
                "container die ev 3",
                "container rename ev2 <no value>",
                "container start ev2 <no value>",
                "container die ev2 3",
                "container destroy ev2 <no value>",
                "image tag other:1 <no value>",
                "image untag other:1 <no value>",
            ],
            lines);

        // The old fields, Actor.ID and the time, and filters by event, container, label and type.
        var json = await DockerOkAsync("events", "--since", since, "--until", until, "--filter", "event=die", "--filter", "container=ev2", "--format", "{{.Status}} {{.ID}} {{.From}} {{.Actor.ID}}");
        var id = json.Split(' ')[1];
        Assert.Equal(64, id.Length);
        Assert.Equal($"die {id} busybox:test {id}\n", json);
        Assert.Equal(8, (await DockerOkAsync("events", "--since", since, "--until", until, "--filter", "label=team=a")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(2, (await DockerOkAsync("events", "--since", since, "--until", until, "--filter", "type=image")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("", await DockerOkAsync("events", "--since", until, "--until", until));
    }

    [Fact]
    public async Task Events_stream_new_events_and_tell_execs_and_kills()
    {
        var since = Now();
        await DockerOkAsync("run", "-d", "--name", "live", "busybox:test", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done");
        Assert.Equal("hi\n", await DockerOkAsync("exec", "live", "echo", "hi"));
        await DockerOkAsync("kill", "-s", "USR1", "live");
        await DockerOkAsync("stop", "live");
        var until = Now();
        var lines = (await DockerOkAsync("events", "--since", since, "--until", until, "--format", "{{.Action}} {{.Actor.Attributes.signal}} {{.Actor.Attributes.exitCode}}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "create <no value> <no value>",
                "start <no value> <no value>",
                "exec_create: echo hi <no value> <no value>",
                "exec_start: echo hi <no value> <no value>",
                "exec_die <no value> 0",
                "kill 10 <no value>",
                "kill 15 <no value>",
                "die <no value> 0",
                "stop <no value> <no value>",
            ],
            lines);

        // Live: a client waiting on /events gets the next event as it happens.
        using var response = await _engine.Http.GetAsync("/v1.41/events?filters=" + Uri.EscapeDataString("{\"event\":{\"destroy\":true}}"), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        await DockerOkAsync("rm", "live");
        var line = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"Action\":\"destroy\"", line, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"live\"", line, StringComparison.Ordinal);
    }
}
