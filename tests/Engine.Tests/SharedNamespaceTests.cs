using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Namespaces shared with another container (`--net/--pid/--ipc container:X`) and with the host (`--pid/--ipc/--uts
/// host`), run by the real crun through the docker CLI: the namespace links in /proc/self/ns are compared.
/// </summary>
public sealed class SharedNamespaceTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> DockerOkAsync(params string[] args)
    {
        var (exit, output, error) = await _engine.DockerAsync(args);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    private Task<string> NamespaceOfAsync(string container, string type) => DockerOkAsync("exec", container, "busybox", "readlink", "/proc/self/ns/" + type);

    [Fact]
    public async Task Net_container_joins_the_network_and_hostname_of_the_first()
    {
        // The first listens on 5555 in its own network namespace (none: nothing but loopback).
        await DockerOkAsync("run", "-d", "--name", "first", "--net", "none", "--hostname", "firstbox", "busybox:test", "sh", "-c", "busybox nc -l -p 5555; sleep 1000");
        var firstNet = await NamespaceOfAsync("first", "net");
        Assert.StartsWith("net:[", firstNet, StringComparison.Ordinal);

        // The listening socket shows in /proc/net/tcp (0x15B3 = 5555, state 0A = LISTEN) of the joined namespace only.
        var script = "busybox readlink /proc/self/ns/net; hostname; for i in $(busybox seq 100); do busybox grep -q ':15B3 0*:0000 0A' /proc/net/tcp /proc/net/tcp6 && echo listening && break; sleep 0.1; done";
        var output = await DockerOkAsync("run", "--rm", "--net", "container:first", "busybox:test", "sh", "-c", script);
        Assert.Equal($"{firstNet}firstbox\nlistening\n", output);
        var own = await DockerOkAsync("run", "--rm", "--net", "none", "busybox:test", "busybox", "readlink", "/proc/self/ns/net");
        Assert.NotEqual(firstNet, own);
        await DockerOkAsync("create", "--name", "joined", "--net", "container:first", "busybox:test", "true");
        Assert.Equal("container:first\n", await DockerOkAsync("inspect", "--format", "{{.HostConfig.NetworkMode}}", "joined"));
    }

    [Fact]
    public async Task Pid_and_ipc_container_see_the_first_containers_processes_and_ipc()
    {
        await DockerOkAsync("run", "-d", "--name", "sleeper", "busybox:test", "sleep", "4242");
        var firstIpc = await NamespaceOfAsync("sleeper", "ipc");
        var firstPid = await NamespaceOfAsync("sleeper", "pid");

        // PID 1 of the joined namespace is the first container's sleep.
        var output = await DockerOkAsync("run", "--rm", "--pid", "container:sleeper", "--ipc", "container:sleeper", "busybox:test", "sh", "-c",
            "busybox readlink /proc/self/ns/pid; busybox readlink /proc/self/ns/ipc; busybox tr '\\0' ' ' < /proc/1/cmdline");
        Assert.Equal($"{firstPid}{firstIpc}sleep 4242 ", output);
        var id = (await DockerOkAsync("inspect", "--format", "{{.Id}}", "sleeper")).Trim();
        var joinedById = await DockerOkAsync("run", "--rm", "--pid", "container:" + id[..12], "busybox:test", "busybox", "readlink", "/proc/self/ns/pid");
        Assert.Equal(firstPid, joinedById);
    }

    [Fact]
    public async Task Host_pid_ipc_and_uts_are_the_engines_own_namespaces()
    {
        string Own(string type) => Path.GetFileName(File.ResolveLinkTarget("/proc/self/ns/" + type, returnFinalTarget: false)!.FullName) + "\n";
        var output = await DockerOkAsync("run", "--rm", "--pid", "host", "--ipc", "host", "--uts", "host", "busybox:test", "sh", "-c",
            "busybox readlink /proc/self/ns/pid; busybox readlink /proc/self/ns/ipc; busybox readlink /proc/self/ns/uts; hostname");
        Assert.Equal(Own("pid") + Own("ipc") + Own("uts") + System.Net.Dns.GetHostName() + "\n", output);
        var isolated = await DockerOkAsync("run", "--rm", "busybox:test", "sh", "-c", "busybox readlink /proc/self/ns/pid; busybox readlink /proc/self/ns/ipc; busybox readlink /proc/self/ns/uts");
        var lines = isolated.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.NotEqual(Own("pid"), lines[0] + "\n");
        Assert.NotEqual(Own("ipc"), lines[1] + "\n");
        Assert.NotEqual(Own("uts"), lines[2] + "\n");
    }

    [Fact]
    public async Task Unknown_stopped_and_conflicting_targets_are_refused_clearly()
    {
        var (unknown, message) = await CreateAsync(new JsonObject { ["NetworkMode"] = "container:nosuch" });
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("No such container: nosuch", message, StringComparison.Ordinal);
        (var empty, message) = await CreateAsync(new JsonObject { ["PidMode"] = "container:" });
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.Contains("invalid container format container:<name|id>", message, StringComparison.Ordinal);

        await DockerOkAsync("create", "--name", "idle", "busybox:test", "true");
        (var conflict, message) = await CreateAsync(new JsonObject { ["NetworkMode"] = "container:idle" }, hostname: "mine");
        Assert.Equal(HttpStatusCode.BadRequest, conflict);
        Assert.Equal("conflicting options: hostname and the network mode", message);
        (conflict, message) = await CreateAsync(new JsonObject { ["NetworkMode"] = "container:idle", ["ExtraHosts"] = new JsonArray("db:10.0.0.5") });
        Assert.Equal(HttpStatusCode.BadRequest, conflict);
        Assert.Equal("conflicting options: custom host-to-IP mapping and the network mode", message);

        foreach (var (key, word) in new[] { ("NetworkMode", "network"), ("PidMode", "PID"), ("IpcMode", "IPC") })
        {
            var (created, id) = await CreateAsync(new JsonObject { [key] = "container:idle" });
            Assert.Equal(HttpStatusCode.Created, created);
            using var start = await _engine.Http.PostAsync($"/v1.41/containers/{id}/start", null, Ct);
            var error = await TestEngine.ErrorMessageAsync(start, 409);
            Assert.StartsWith($"cannot join {word} of a non running container: ", error, StringComparison.Ordinal);
        }
    }

    private async Task<(HttpStatusCode Status, string IdOrMessage)> CreateAsync(JsonObject hostConfig, string? hostname = null)
    {
        var body = new JsonObject { ["Image"] = "busybox:test", ["Cmd"] = new JsonArray("true"), ["HostConfig"] = hostConfig };
        if (hostname is not null)
        {
            body["Hostname"] = hostname;
        }
        using var response = await _engine.Http.PostAsync("/v1.41/containers/create", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Created ? root.GetProperty("Id").GetString()! : root.GetProperty("message").GetString()!);
    }
}
