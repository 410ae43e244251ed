using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Tests;

/// <summary>Restart policies, daemon restarts, removal rules, images in use, and no zombie left behind.</summary>
public sealed class ContainerLifecycleTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateAsync(JsonObject hostConfig, params string[] cmd)
    {
        var body = new JsonObject { ["Image"] = "busybox:test", ["Cmd"] = new JsonArray(cmd.Select(a => (JsonNode)a).ToArray()), ["HostConfig"] = hostConfig };
        using var response = await _engine.Http.PostAsync("/v1.41/containers/create", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
    }

    private async Task<HttpStatusCode> PostAsync(string path)
    {
        using var response = await _engine.Http.PostAsync("/v1.41" + path, null, Ct);
        return response.StatusCode;
    }

    private async Task<JsonElement> StateAsync(string id) => (await _engine.GetJsonAsync($"/containers/{id}/json")).GetProperty("State");

    private async Task<JsonElement> InspectAsync(string id) => await _engine.GetJsonAsync($"/containers/{id}/json");

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task On_failure_2_restarts_exactly_twice()
    {
        var id = await CreateAsync(new JsonObject { ["RestartPolicy"] = new JsonObject { ["Name"] = "on-failure", ["MaximumRetryCount"] = 2 } }, "sh", "-c", "echo run; exit 7");
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{id}/start"));
        await EventuallyAsync(async () => (await InspectAsync(id)).GetProperty("RestartCount").GetInt32() == 2 && !(await StateAsync(id)).GetProperty("Running").GetBoolean(), "two restarts");
        // The back-off after the last try would restart it within a second if the count were wrong.
        await Task.Delay(1500, Ct);
        var inspect = await InspectAsync(id);
        Assert.Equal(2, inspect.GetProperty("RestartCount").GetInt32());
        Assert.Equal("exited", inspect.GetProperty("State").GetProperty("Status").GetString());
        Assert.Equal(7, inspect.GetProperty("State").GetProperty("ExitCode").GetInt32());
        var log = await File.ReadAllLinesAsync(Path.Combine(_engine.DataRoot, "containers", id, id + "-json.log"), Ct);
        Assert.Equal(3, log.Length);
    }

    [Fact]
    public async Task Restart_always_comes_back_after_a_daemon_restart_and_stop_keeps_it_down()
    {
        var always = await CreateAsync(new JsonObject { ["RestartPolicy"] = new JsonObject { ["Name"] = "always" } }, "sleep", "1000");
        var plain = await CreateAsync(new JsonObject(), "sleep", "1000");
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{always}/start"));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{plain}/start"));
        var firstPid = (await StateAsync(always)).GetProperty("Pid").GetInt32();
        Assert.True(firstPid > 0);

        await _engine.RestartAsync();
        var state = await StateAsync(always);
        Assert.True(state.GetProperty("Running").GetBoolean());
        Assert.NotEqual(firstPid, state.GetProperty("Pid").GetInt32());
        Assert.False(Directory.Exists($"/proc/{firstPid}"), "the old container process survived the engine");
        Assert.Equal("exited", (await StateAsync(plain)).GetProperty("Status").GetString());

        // A user's stop is final for unless-stopped, and a stopped `always` container is not restarted by its policy.
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{always}/stop?t=1"));
        await Task.Delay(500, Ct);
        Assert.Equal("exited", (await StateAsync(always)).GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Stop_of_a_host_pid_container_also_ends_the_daemons_its_init_left_behind()
    {
        // With the host's PID namespace nothing ends the init's children when it dies (system services such as
        // network and udev start daemons like that); the stop must still finish and leave none of them.
        var seconds = Random.Shared.Next(1_000_000, 9_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var marker = "sleep\0" + seconds;
        var id = await CreateAsync(new JsonObject { ["PidMode"] = "host" }, "sh", "-c", $"(trap '' TERM; sleep {seconds}) & trap 'exit 0' TERM; while :; do sleep 1; done");
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{id}/start"));
        await EventuallyAsync(() => Task.FromResult(ProcessesNamed(marker) > 0), "the daemon to start");

        var stop = PostAsync($"/containers/{id}/stop?t=1");
        Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(30), Ct)) == stop, "stop did not finish within 30 s");
        Assert.Equal(HttpStatusCode.NoContent, await stop);
        Assert.False((await StateAsync(id)).GetProperty("Running").GetBoolean());
        Assert.Equal(0, ProcessesNamed(marker));
    }

    [Fact]
    public async Task Stop_of_a_host_pid_container_ends_a_process_that_left_its_cgroup()
    {
        // As User Docker's containers do: a process started from the container moves to another cgroup (here the
        // root), out of reach of `crun kill --all`, and ignores SIGTERM; crun run, its subreaper, would wait for it.
        var seconds = Random.Shared.Next(1_000_000, 9_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var marker = "sleep\0" + seconds;
        var escape = $"echo $$ > /sys/fs/cgroup/cgroup.procs; trap '' TERM; exec sleep {seconds}";
        var id = await CreateAsync(new JsonObject { ["PidMode"] = "host", ["Privileged"] = true },
            "sh", "-c", $"sh -c \"{escape}\" & trap '' TERM; while :; do sleep 1; done");
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{id}/start"));
        await EventuallyAsync(() => Task.FromResult(ProcessesNamed(marker) > 0), "the escaped process to start");

        var stop = PostAsync($"/containers/{id}/stop?t=1");
        Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(30), Ct)) == stop, "stop did not finish within 30 s");
        Assert.Equal(HttpStatusCode.NoContent, await stop);
        Assert.False((await StateAsync(id)).GetProperty("Running").GetBoolean());
        Assert.Equal(0, ProcessesNamed(marker));
    }

    private static int ProcessesNamed(string name) =>
        Directory.GetDirectories("/proc").Count(d => File.Exists(Path.Combine(d, "cmdline")) && Try(() => File.ReadAllText(Path.Combine(d, "cmdline"))).StartsWith(name, StringComparison.Ordinal));

    private static string Try(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (IOException)
        {
            return ""; // the process ended while we looked
        }
    }

    [Fact]
    public async Task Removing_a_running_container_needs_force()
    {
        var id = await CreateAsync(new JsonObject(), "sleep", "1000");
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{id}/start"));
        var pid = (await StateAsync(id)).GetProperty("Pid").GetInt32();

        using (var refused = await _engine.Http.DeleteAsync($"/v1.41/containers/{id}", Ct))
        {
            Assert.Contains("You cannot remove a running container", await TestEngine.ErrorMessageAsync(refused, 409), StringComparison.Ordinal);
        }
        using (var imageInUse = await _engine.Http.DeleteAsync("/v1.41/images/busybox:test?force=1", Ct))
        {
            Assert.Contains("image is being used by running container", await TestEngine.ErrorMessageAsync(imageInUse, 409), StringComparison.Ordinal);
        }
        using (var forced = await _engine.Http.DeleteAsync($"/v1.41/containers/{id}?force=1", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
        }
        Assert.False(Directory.Exists($"/proc/{pid}"));
        Assert.False(Directory.Exists(Path.Combine(_engine.DataRoot, "containers", id)));
        Assert.DoesNotContain(ProcFacts.MountTargets(), t => t.Contains(id, StringComparison.Ordinal));
        using var gone = await _engine.Http.GetAsync($"/v1.41/containers/{id}/json", Ct);
        await TestEngine.ErrorMessageAsync(gone, 404);

        // A stopped container keeps its image unless forced.
        var stopped = await CreateAsync(new JsonObject(), "true");
        using (var refusedImage = await _engine.Http.DeleteAsync("/v1.41/images/busybox:test", Ct))
        {
            Assert.Contains("image is being used by stopped container", await TestEngine.ErrorMessageAsync(refusedImage, 409), StringComparison.Ordinal);
        }
        using (var removed = await _engine.Http.DeleteAsync($"/v1.41/containers/{stopped}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
        using var deleted = await _engine.Http.DeleteAsync("/v1.41/images/busybox:test", Ct);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task Containers_list_with_filters_and_no_zombie_is_left()
    {
        var running = await CreateAsync(new JsonObject(), "sleep", "1000");
        var exited = await CreateAsync(new JsonObject(), "sh", "-c", "sleep 0.1 & exit 0");
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{running}/start"));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{exited}/start"));
        using (var wait = await _engine.Http.PostAsync($"/v1.41/containers/{exited}/wait", null, Ct))
        {
            Assert.Equal(0, JsonDocument.Parse(await wait.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("StatusCode").GetInt32());
        }

        static List<string> Ids(JsonElement list) => list.EnumerateArray().Select(c => c.GetProperty("Id").GetString()!).ToList();
        Assert.Equal([running], Ids(await _engine.GetJsonAsync("/containers/json")));
        Assert.Equal(2, Ids(await _engine.GetJsonAsync("/containers/json?all=1")).Count);
        Assert.Equal([exited], Ids(await _engine.GetJsonAsync("/containers/json?filters=" + Uri.EscapeDataString("""{"status":["exited"]}"""))));
        Assert.Equal([exited], Ids(await _engine.GetJsonAsync("/containers/json?all=1&filters=" + Uri.EscapeDataString($$"""{"id":["{{exited[..8]}}"]}"""))));
        var listed = (await _engine.GetJsonAsync("/containers/json"))[0];
        Assert.StartsWith("Up ", listed.GetProperty("Status").GetString(), StringComparison.Ordinal);
        Assert.Equal("sleep 1000", listed.GetProperty("Command").GetString());

        Assert.Equal(HttpStatusCode.NoContent, await PostAsync($"/containers/{running}/kill"));
        Assert.Equal(137, (await StateAsync(running)).GetProperty("ExitCode").GetInt32());
        Assert.Empty(await ProcFacts.ZombieChildrenAsync(Environment.ProcessId));
    }
    [Fact]
    public async Task Leftovers_of_a_crash_are_handled_at_start()
    {
        var id = await CreateAsync(new JsonObject(), "true");
        await _engine.StopServerAsync();
        var containers = Path.Combine(_engine.DataRoot, "containers");
        Directory.CreateDirectory(Path.Combine(containers, ".removing-" + new string('a', 64)));
        Directory.CreateDirectory(Path.Combine(containers, new string('b', 64))); // a create cut before its record
        await _engine.StartServerAsync();
        await _engine.RestartAsync();
        Assert.Equal([id], (await _engine.GetJsonAsync("/containers/json?all=1")).EnumerateArray().Select(c => c.GetProperty("Id").GetString()).ToList());
        Assert.Equal([".damaged-" + new string('b', 64), id], Directory.GetDirectories(containers).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
    }
}
