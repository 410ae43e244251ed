using System.Globalization;
using CorralOS.Engine.Events;

namespace CorralOS.Engine.Tests;

/// <summary>GET /events filters with Docker's keys and rules, and since/until bounds, through the docker CLI and on the filter itself.</summary>
public sealed class EventFilterTests : IAsyncLifetime
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

    private async Task<string[]> EventsAsync(string since, string until, params string[] filters)
    {
        var args = new List<string> { "events", "--since", since, "--until", until, "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}" };
        foreach (var filter in filters)
        {
            args.AddRange(["--filter", filter]);
        }
        return (await DockerOkAsync([.. args])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Docker_events_filters_by_image_with_or_without_tag_scope_type_event_container_and_label()
    {
        var since = Now();
        await DockerOkAsync("run", "--name", "alpha", "-l", "tier=web", "busybox:test", "true");
        await DockerOkAsync("tag", "busybox:test", "copy:2");
        await DockerOkAsync("run", "--name", "beta", "copy:2", "true");
        var middle = Now();
        await DockerOkAsync("rm", "alpha");
        await DockerOkAsync("rm", "beta");
        await DockerOkAsync("rmi", "copy:2");
        var until = Now();

        // image: a container's image or an image event's name, as given or without its tag (Docker's stripTag).
        Assert.Equal(["container create alpha", "container attach alpha", "container start alpha", "container die alpha", "container destroy alpha"],
            await EventsAsync(since, until, "image=busybox:test"));
        Assert.Equal(5, (await EventsAsync(since, until, "image=busybox")).Length);
        Assert.Equal(["image tag copy:2", "container create beta", "container attach beta", "container start beta", "container die beta", "container destroy beta", "image untag copy:2"],
            await EventsAsync(since, until, "image=copy"));
        Assert.Equal(["image tag copy:2", "image untag copy:2"], await EventsAsync(since, until, "image=copy:2", "type=image"));

        // scope: every event of this engine is local; no event is a swarm's.
        Assert.Equal(12, (await EventsAsync(since, until, "scope=local")).Length);
        Assert.Empty(await EventsAsync(since, until, "scope=swarm"));

        // container: ID, ID prefix or name (a name prefix too, as Docker); event and label combine with it.
        Assert.Equal(["container start beta", "container destroy beta"], await EventsAsync(since, until, "container=bet", "event=start", "event=destroy"));
        Assert.Equal(["container die alpha"], await EventsAsync(since, until, "label=tier", "event=die"));
        Assert.Equal(["container die alpha"], await EventsAsync(since, until, "label=tier=web", "event=die"));
        Assert.Empty(await EventsAsync(since, until, "label=tier=db"));

        // Docker's other actor keys are accepted; nothing here is a network, volume or daemon event.
        Assert.Empty(await EventsAsync(since, until, "network=bridge"));
        Assert.Empty(await EventsAsync(since, until, "volume=data"));
        Assert.Empty(await EventsAsync(since, until, "daemon=x"));

        // since/until bound the kept events: up to the middle, then from it.
        Assert.Equal(["container destroy alpha", "container destroy beta", "image untag copy:2"], await EventsAsync(middle, until, "event=destroy", "event=untag"));
        Assert.Equal(["image tag copy:2"], await EventsAsync(since, middle, "event=destroy", "event=untag", "event=tag"));

        var (exit, _, error) = await _engine.DockerAsync("events", "--since", since, "--until", until, "--filter", "colour=red");
        Assert.NotEqual(0, exit);
        Assert.Contains("invalid filter 'colour'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Exec_actions_match_by_name_and_with_their_command()
    {
        var exec = new EngineEvent("container", "exec_start: sh -c true", new string('a', 64), new Dictionary<string, string> { ["name"] = "box", ["image"] = "docker.io/library/busybox:1" }, 1);
        Assert.True(EventFilter.Parse("{\"event\":{\"exec_start\":true}}").Matches(exec));
        Assert.True(EventFilter.Parse("{\"event\":[\"exec_start: sh -c true\"]}").Matches(exec));
        Assert.False(EventFilter.Parse("{\"event\":{\"exec_create\":true}}").Matches(exec));
        Assert.True(EventFilter.Parse("{\"image\":{\"busybox\":true}}").Matches(exec));
        Assert.True(EventFilter.Parse("{\"container\":{\"aaaa\":true},\"type\":{\"container\":true}}").Matches(exec));
        Assert.False(EventFilter.Parse("{\"volume\":{\"box\":true}}").Matches(exec));
        Assert.False(EventFilter.Parse("{\"scope\":{\"swarm\":true}}").Matches(exec));
    }
}
