using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Tests;

/// <summary>Containers through the HTTP API, run by the real crun on overlayfs over a busybox image.</summary>
public sealed class ContainerApiTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateAsync(JsonObject body, string? name = null)
    {
        body["Image"] ??= "busybox:test";
        using var response = await _engine.Http.PostAsync("/v1.41/containers/create" + (name is null ? "" : "?name=" + name), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()!;
    }

    private static JsonObject Cmd(params string[] args) => new() { ["Cmd"] = new JsonArray(args.Select(a => (JsonNode)a).ToArray()) };

    private async Task<HttpResponseMessage> PostAsync(string path) => await _engine.Http.PostAsync("/v1.41" + path, null, Ct);

    private async Task StartAsync(string id)
    {
        using var response = await PostAsync($"/containers/{id}/start");
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<long> WaitAsync(string id)
    {
        using var response = await PostAsync($"/containers/{id}/wait");
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("StatusCode").GetInt64();
    }

    private async Task<string> RunAsync(JsonObject body)
    {
        var id = await CreateAsync(body);
        await StartAsync(id);
        Assert.Equal(0, await WaitAsync(id));
        return await StdoutAsync(id);
    }

    /// <summary>The log, demultiplexed: stdout text only.</summary>
    private async Task<string> StdoutAsync(string id, string query = "stdout=1")
    {
        var frames = await LogFramesAsync(id, query);
        return string.Concat(frames.Where(f => f.Stream == 1).Select(f => f.Text));
    }

    private async Task<List<(int Stream, string Text)>> LogFramesAsync(string id, string query)
    {
        var bytes = await _engine.Http.GetByteArrayAsync($"/v1.41/containers/{id}/logs?{query}", Ct);
        var frames = new List<(int, string)>();
        for (var i = 0; i < bytes.Length;)
        {
            Assert.True(i + 8 <= bytes.Length, "truncated frame header");
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i + 4));
            frames.Add((bytes[i], Encoding.UTF8.GetString(bytes, i + 8, size)));
            i += 8 + size;
        }
        return frames;
    }

    [Fact]
    public async Task A_container_runs_and_its_exit_code_and_output_are_exact()
    {
        var id = await CreateAsync(Cmd("sh", "-c", "echo out; echo err >&2; exit 3"));
        Assert.Equal(64, id.Length);
        Assert.Equal("created", (await _engine.GetJsonAsync($"/containers/{id}/json")).GetProperty("State").GetProperty("Status").GetString());
        await StartAsync(id);
        Assert.Equal(3, await WaitAsync(id));

        var state = (await _engine.GetJsonAsync($"/containers/{id}/json")).GetProperty("State");
        Assert.Equal("exited", state.GetProperty("Status").GetString());
        Assert.Equal(3, state.GetProperty("ExitCode").GetInt32());
        Assert.False(state.GetProperty("Running").GetBoolean());
        Assert.True(DateTimeOffset.Parse(state.GetProperty("FinishedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(state.GetProperty("StartedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        // stdout and stderr are two pipes read apart, so their order against each other is not kept (nor by Docker).
        var frames = await LogFramesAsync(id, "stdout=1&stderr=1");
        Assert.Equal([(1, "out\n"), (2, "err\n")], frames.OrderBy(f => f.Item1));
        Assert.Equal("out\n", await StdoutAsync(id));
    }

    [Fact]
    public async Task Logs_tail_and_timestamps()
    {
        var id = await CreateAsync(Cmd("sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done"));
        await StartAsync(id);
        Assert.Equal(0, await WaitAsync(id));
        Assert.Equal("line4\nline5\n", await StdoutAsync(id, "stdout=1&tail=2"));
        Assert.Equal("line1\nline2\nline3\nline4\nline5\n", await StdoutAsync(id, "stdout=1&tail=all"));
        var stamped = (await StdoutAsync(id, "stdout=1&tail=1&timestamps=1")).Split(' ', 2);
        Assert.Equal("line5\n", stamped[1]);
        var time = DateTimeOffset.Parse(stamped[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - time).TotalMinutes) < 5, stamped[0]);
        Assert.Equal("", await StdoutAsync(id, $"stdout=1&since={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds()}"));
    }

    [Fact]
    public async Task Env_workdir_user_and_binds_apply_inside_the_container()
    {
        var host = Directory.CreateDirectory(Path.Combine(_engine.Dir, "bind")).FullName;
        File.SetUnixFileMode(host, (UnixFileMode)0b111_111_111);
        await File.WriteAllTextAsync(Path.Combine(host, "in.txt"), "from host", Ct);
        var body = Cmd("sh", "-c", "echo $GREETING; pwd; id -u; id -g; id -G; cat /mnt/in.txt; echo; echo written > /mnt/out.txt; cat /etc/hostname");
        body["Env"] = new JsonArray("GREETING=hi there");
        body["WorkingDir"] = "/tmp";
        body["User"] = "app";
        body["Hostname"] = "box1";
        body["HostConfig"] = new JsonObject { ["Binds"] = new JsonArray($"{host}:/mnt"), ["NetworkMode"] = "none" };
        var lines = (await RunAsync(body)).Split('\n');
        Assert.Equal(["hi there", "/tmp", "1234", "1234", "1234 2000", "from host", "box1", ""], lines);
        Assert.Equal("written\n", await File.ReadAllTextAsync(Path.Combine(host, "out.txt"), Ct));

        // A named volume outlives the container that wrote it; a read-only bind refuses writes.
        var writer = Cmd("sh", "-c", "echo vol > /vol/f");
        writer["HostConfig"] = new JsonObject { ["Binds"] = new JsonArray("myvol:/vol") };
        await RunAsync(writer);
        var reader = Cmd("sh", "-c", "cat /vol/f; echo x > /ro/y 2>/dev/null || echo refused");
        reader["HostConfig"] = new JsonObject { ["Binds"] = new JsonArray("myvol:/vol", $"{host}:/ro:ro") };
        Assert.Equal("vol\nrefused\n", await RunAsync(reader));
        Assert.Equal("vol\n", await File.ReadAllTextAsync(Path.Combine(_engine.DataRoot, "volumes/myvol/_data/f"), Ct));
    }

    [Fact]
    public async Task Read_only_rootfs_tmpfs_and_capabilities()
    {
        var body = Cmd("sh", "-c", "touch /x 2>/dev/null && echo rw || echo ro; touch /scratch/y && echo tmpfs-ok; grep CapEff /proc/self/status");
        body["HostConfig"] = new JsonObject
        {
            ["ReadonlyRootfs"] = true,
            ["Tmpfs"] = new JsonObject { ["/scratch"] = "size=1m" },
            ["CapDrop"] = new JsonArray("ALL"),
            ["CapAdd"] = new JsonArray("NET_ADMIN"),
        };
        var lines = (await RunAsync(body)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ro", lines[0]);
        Assert.Equal("tmpfs-ok", lines[1]);
        Assert.Equal("CapEff:\t0000000000001000", lines[2]); // CAP_NET_ADMIN (12) only
    }

    [Fact]
    public async Task Stop_sends_sigterm_then_sigkill_after_the_timeout()
    {
        // Ignores SIGTERM: stop must fall back to SIGKILL after t seconds.
        var stubborn = await CreateAsync(Cmd("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"));
        await StartAsync(stubborn);
        var started = DateTimeOffset.UtcNow;
        using (var stop = await PostAsync($"/containers/{stubborn}/stop?t=1"))
        {
            Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        }
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(1));
        Assert.Equal(137, (await _engine.GetJsonAsync($"/containers/{stubborn}/json")).GetProperty("State").GetProperty("ExitCode").GetInt32());
        using (var again = await PostAsync($"/containers/{stubborn}/stop"))
        {
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }

        // Handles SIGTERM: exits with its own code, well before the timeout.
        var polite = await CreateAsync(Cmd("sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done"));
        await StartAsync(polite);
        await Task.Delay(300, Ct);
        started = DateTimeOffset.UtcNow;
        using (var stop = await PostAsync($"/containers/{polite}/stop?t=30"))
        {
            Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        }
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal(42, (await _engine.GetJsonAsync($"/containers/{polite}/json")).GetProperty("State").GetProperty("ExitCode").GetInt32());
    }

    [Fact]
    public async Task Kill_sends_the_signal_and_refuses_a_stopped_container()
    {
        var id = await CreateAsync(Cmd("sh", "-c", "trap 'echo got-usr1; exit 5' USR1; while true; do sleep 0.1; done"));
        await StartAsync(id);
        await Task.Delay(300, Ct);
        using (var kill = await PostAsync($"/containers/{id}/kill?signal=SIGUSR1"))
        {
            Assert.Equal(HttpStatusCode.NoContent, kill.StatusCode);
        }
        Assert.Equal(5, await WaitAsync(id));
        Assert.Equal("got-usr1\n", await StdoutAsync(id));
        using var again = await PostAsync($"/containers/{id}/kill");
        Assert.Contains("is not running", await TestEngine.ErrorMessageAsync(again, 409), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_are_unique_and_rename_works()
    {
        var id = await CreateAsync(Cmd("true"), "web");
        var body = Cmd("true");
        body["Image"] = "busybox:test";
        using (var conflict = await _engine.Http.PostAsync("/v1.41/containers/create?name=web", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Contains("\"/web\" is already in use", await TestEngine.ErrorMessageAsync(conflict, 409), StringComparison.Ordinal);
        }
        using (var rename = await PostAsync($"/containers/web/rename?name=api"))
        {
            Assert.Equal(HttpStatusCode.NoContent, rename.StatusCode);
        }
        Assert.Equal("/api", (await _engine.GetJsonAsync("/containers/api/json")).GetProperty("Name").GetString());
        Assert.Equal(id, (await _engine.GetJsonAsync($"/containers/{id[..10]}/json")).GetProperty("Id").GetString());
        using var missing = await _engine.Http.GetAsync("/v1.41/containers/web/json", Ct);
        Assert.Equal("No such container: web", await TestEngine.ErrorMessageAsync(missing, 404));
    }
    [Fact]
    public async Task Attach_before_start_streams_the_output_over_the_upgraded_connection()
    {
        var id = await CreateAsync(Cmd("sh", "-c", "echo attached; echo warn >&2; exit 2"));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(_engine.Socket), Ct);
        await using var stream = new System.Net.Sockets.NetworkStream(socket);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v1.41/containers/{id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: engine\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n"), Ct);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        // Headers first: the upgrade is answered before the container starts.
        while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, Ct);
            Assert.True(n > 0, "connection closed before the headers");
            received.Write(buffer, 0, n);
        }
        Assert.StartsWith("HTTP/1.1 101 ", Encoding.ASCII.GetString(received.ToArray()), StringComparison.Ordinal);
        await StartAsync(id);
        int read;
        while ((read = await stream.ReadAsync(buffer, Ct)) > 0)
        {
            received.Write(buffer, 0, read);
        }
        var all = received.ToArray();
        var body = all.AsSpan(Encoding.ASCII.GetString(all).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4).ToArray();
        var frames = new List<(int, string)>();
        for (var i = 0; i < body.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(i + 4));
            frames.Add((body[i], Encoding.UTF8.GetString(body, i + 8, size)));
            i += 8 + size;
        }
        Assert.Equal([(1, "attached\n"), (2, "warn\n")], frames.OrderBy(f => f.Item1)); // two pipes: no order between them
        Assert.Equal(2, await WaitAsync(id));
    }
    [Fact]
    public async Task Logs_follow_streams_until_the_container_stops()
    {
        var id = await CreateAsync(Cmd("sh", "-c", "echo one; sleep 0.5; echo two; sleep 0.5; echo three"));
        await StartAsync(id);
        // Begins while the container runs; ends by itself once it exited, with every line.
        Assert.Equal("one\ntwo\nthree\n", await StdoutAsync(id, "stdout=1&follow=1"));
        Assert.Equal("exited", (await _engine.GetJsonAsync($"/containers/{id}/json")).GetProperty("State").GetProperty("Status").GetString());
    }
}
