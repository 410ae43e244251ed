using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Log drivers with the real crun and docker CLI: `none` (output still reaches `docker run`, nothing is kept, `docker
/// logs` is Docker's error), `syslog` to a unix datagram socket the test binds (RFC 3164 and 5424, tag, severity per
/// stream), and clean 400s for unknown drivers and options.
/// </summary>
public sealed class LogDriverTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task None_keeps_nothing_and_logs_answers_dockers_error()
    {
        var (exit, output, error) = await _engine.DockerAsync("run", "--name", "quiet", "--log-driver", "none", "busybox:test", "sh", "-c", "echo hi; echo err >&2");
        Assert.True(exit == 0, error);
        Assert.Equal("hi\n", output);
        Assert.Equal("err\n", error);
        var id = (await _engine.DockerAsync("inspect", "--format", "{{.Id}}", "quiet")).Output.Trim();
        Assert.Equal(0, new FileInfo(Path.Combine(_engine.DataRoot, "containers", id, id + "-json.log")).Length);

        (exit, _, error) = await _engine.DockerAsync("logs", "quiet");
        Assert.NotEqual(0, exit);
        Assert.Contains("configured logging driver does not support reading", error, StringComparison.Ordinal);
        using var response = await _engine.Http.GetAsync($"/v1.41/containers/{id}/logs?stdout=1", Ct);
        Assert.Equal("configured logging driver does not support reading", await TestEngine.ErrorMessageAsync(response, 501));
    }

    [Fact]
    public async Task Syslog_sends_each_line_as_a_datagram_with_tag_and_severity()
    {
        var path = Path.Combine(_engine.Dir, "syslog.sock");
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(path));

        var (exit, output, error) = await _engine.DockerAsync("run", "--rm", "--log-driver", "syslog", "--log-opt", $"syslog-address=unixgram://{path}",
            "--log-opt", "tag=web-{{.Name}}", "--name", "web", "busybox:test", "sh", "-c", "echo one; echo two >&2");
        Assert.True(exit == 0, error);
        Assert.Equal("one\n", output);
        var messages = new[] { await ReceiveAsync(syslog), await ReceiveAsync(syslog) }.Order(StringComparer.Ordinal).ToList();
        // daemon (3) * 8 + err (3) = 27 for stderr, + info (6) = 30 for stdout.
        Assert.Matches(Rfc3164("27", "web-web", "two"), messages[0]);
        Assert.Matches(Rfc3164("30", "web-web", "one"), messages[1]);

        // RFC 5424, another facility, and the default tag: the container's name.
        (exit, _, error) = await _engine.DockerAsync("run", "--rm", "--log-driver", "syslog", "--log-opt", $"syslog-address=unixgram://{path}",
            "--log-opt", "syslog-format=rfc5424", "--log-opt", "syslog-facility=local0", "--name", "api", "busybox:test", "echo", "three");
        Assert.True(exit == 0, error);
        Assert.Matches(@"^<134>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d \S+ api \d+ - - three$", await ReceiveAsync(syslog));
    }

    [Fact]
    public async Task Unknown_drivers_options_and_a_missing_syslog_are_refused()
    {
        Assert.Equal("logger: no log driver named 'bogus' is registered", await CreateErrorAsync(new JsonObject { ["Type"] = "bogus" }, 400));
        Assert.Equal("unknown log opt 'colour' for syslog log driver", await CreateErrorAsync(new JsonObject { ["Type"] = "syslog", ["Config"] = new JsonObject { ["colour"] = "red" } }, 400));
        Assert.Contains("syslog-address tcp://127.0.0.1:514 is not supported", await CreateErrorAsync(new JsonObject { ["Type"] = "syslog", ["Config"] = new JsonObject { ["syslog-address"] = "tcp://127.0.0.1:514" } }, 400), StringComparison.Ordinal);

        var (exit, _, error) = await _engine.DockerAsync("run", "--rm", "--log-driver", "syslog", "--log-opt", $"syslog-address=unixgram://{_engine.Dir}/nobody.sock", "busybox:test", "true");
        Assert.NotEqual(0, exit);
        Assert.Contains($"failed to initialize logging driver: dial unixgram {_engine.Dir}/nobody.sock", error, StringComparison.Ordinal);
    }

    private async Task<string> CreateErrorAsync(JsonObject logConfig, int status)
    {
        var body = new JsonObject { ["Image"] = "busybox:test", ["Cmd"] = new JsonArray("true"), ["HostConfig"] = new JsonObject { ["LogConfig"] = logConfig } };
        using var response = await _engine.Http.PostAsync("/v1.41/containers/create", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        return await TestEngine.ErrorMessageAsync(response, status);
    }

    private static string Rfc3164(string priority, string tag, string text) =>
        $@"^<{priority}>[A-Z][a-z]{{2}} [ \d]\d \d\d:\d\d:\d\d {Regex.Escape(tag)}\[\d+\]: {text}$";

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[65536];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
