using System.Text;
using System.Text.Json.Nodes;
using CorralOS.Engine.Containers;

namespace CorralOS.Engine.Tests;

/// <summary>
/// `--device` (a node in the container and its cgroup rule), `--dns`/`--dns-search`/`--dns-option` in the container's
/// resolv.conf and `--add-host` in its hosts file, with the real crun through the docker CLI.
/// </summary>
public sealed class DeviceAndDnsTests : IAsyncLifetime
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

    [Fact]
    public async Task Device_is_created_in_the_container_with_the_hosts_numbers()
    {
        var output = await DockerOkAsync("run", "--rm", "--device", "/dev/null:/dev/mydev:rwm", "--device", "/dev/zero", "busybox:test", "sh", "-c",
            "busybox stat -c '%t:%T %F' /dev/mydev; echo hi > /dev/mydev && echo written; busybox stat -c '%t:%T' /dev/zero");
        Assert.Equal("1:3 character special file\nwritten\n1:5\n", output);
        var mapped = await DockerOkAsync("create", "--device", "/dev/null:/dev/mydev:r", "busybox:test", "true");
        Assert.Equal("/dev/null /dev/mydev r\n", await DockerOkAsync("inspect", "--format", "{{range .HostConfig.Devices}}{{.PathOnHost}} {{.PathInContainer}} {{.CgroupPermissions}}{{end}}", mapped.Trim()));
    }

    [Fact]
    public async Task A_missing_or_bad_device_is_refused_at_create()
    {
        var (exit, _, error) = await _engine.DockerAsync("run", "--rm", "--device", "/dev/nosuch-device:/dev/x", "busybox:test", "true");
        Assert.NotEqual(0, exit);
        Assert.Contains("error gathering device information while adding custom device \"/dev/nosuch-device\"", error, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", error, StringComparison.Ordinal);
        (exit, _, error) = await _engine.DockerAsync("create", "--device", "/etc/hostname:/dev/x", "busybox:test", "true");
        Assert.NotEqual(0, exit);
        Assert.Contains("not a device node", error, StringComparison.Ordinal);
        Assert.Equal("", await DockerOkAsync("ps", "-aq"));
    }

    [Fact]
    public void Device_becomes_a_node_and_an_allow_rule_in_the_spec()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-devspec-").FullName;
        try
        {
            var layout = new ContainerLayout(Path.Combine(dir, "data"), Path.Combine(dir, "exec"));
            layout.Create();
            var id = new string('f', 64);
            Directory.CreateDirectory(Path.Combine(layout.RootFs(id), "etc"));
            File.WriteAllText(Path.Combine(layout.RootFs(id), "etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
            var config = new ContainerCreateRequest
            {
                Cmd = ["sh"],
                HostConfig = new HostConfig { Devices = [new DeviceMapping { PathOnHost = "/dev/null", PathInContainer = "/dev/mydev", CgroupPermissions = "rw" }] },
            };
            var container = new Container(new ContainerRecord { Id = id, Name = "dev", Image = "img", ImageId = "sha256:" + new string('d', 64), Config = config }, new ContainerState(), layout);
            var linux = new OciSpecBuilder(layout, deviceCgroupRules: true).Build(container)["linux"]!;
            var node = linux["devices"]!.AsArray().Single()!;
            Assert.Equal("""{"path":"/dev/mydev","type":"c","major":1,"minor":3,"fileMode":438,"uid":0,"gid":0}""", node.ToJsonString());
            var rule = linux["resources"]!["devices"]!.AsArray().Last()!;
            Assert.Equal("""{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}""", rule.ToJsonString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Dns_options_write_resolv_conf_and_extra_hosts_land_in_every_mode()
    {
        foreach (var net in new[] { "none", "host" })
        {
            var resolv = await DockerOkAsync("run", "--rm", "--net", net, "--dns", "10.1.2.3", "--dns", "10.1.2.4", "--dns-search", "example.test",
                "--dns-option", "ndots:2", "--add-host", "db:10.0.0.5", "busybox:test", "sh", "-c", "cat /etc/resolv.conf; echo ---; cat /etc/hosts");
            var (conf, hosts) = (resolv.Split("---\n")[0], resolv.Split("---\n")[1]);
            var lines = conf.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
            Assert.Equal(["nameserver 10.1.2.3", "nameserver 10.1.2.4", "search example.test", "options ndots:2"], lines);
            Assert.Contains("10.0.0.5\tdb\n", hosts, StringComparison.Ordinal);
        }
        // Without DNS options a container of the host's network gets the host's file as it is.
        var plain = await DockerOkAsync("run", "--rm", "busybox:test", "sh", "-c", "cat /etc/resolv.conf || true");
        Assert.Equal(File.Exists("/etc/resolv.conf") ? await File.ReadAllTextAsync("/etc/resolv.conf", Ct) : "", plain);

        var body = new JsonObject { ["Image"] = "busybox:test", ["Cmd"] = new JsonArray("true"), ["HostConfig"] = new JsonObject { ["Dns"] = new JsonArray("not-an-ip") } };
        using var response = await _engine.Http.PostAsync("/v1.41/containers/create", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal("not-an-ip is not an ip address", await TestEngine.ErrorMessageAsync(response, 400));
    }
}
