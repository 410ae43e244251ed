using System.Text.Json.Nodes;
using CorralOS.Engine.Containers;

namespace CorralOS.Engine.Tests;

/// <summary>The OCI spec generated from a container's merged config (no crun needed).</summary>
public sealed class OciSpecBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-spec-").FullName;
    private readonly ContainerLayout _layout;

    public OciSpecBuilderTests()
    {
        _layout = new ContainerLayout(Path.Combine(_dir, "data"), Path.Combine(_dir, "exec"));
        _layout.Create();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private JsonObject Build(ContainerCreateRequest config, bool deviceRules = true, Func<string, Container>? lookup = null)
    {
        var id = new string('c', 64);
        Directory.CreateDirectory(Path.Combine(_layout.RootFs(id), "etc"));
        File.WriteAllText(Path.Combine(_layout.RootFs(id), "etc/passwd"), "root:x:0:0::/root:/bin/sh\nweb:x:33:44::/srv:/bin/sh\n");
        File.WriteAllText(Path.Combine(_layout.RootFs(id), "etc/group"), "web:x:44:\nlog:x:4:web\n");
        return new OciSpecBuilder(_layout, deviceRules, lookup).Build(Container(id, "spec", config));
    }

    private Container Container(string id, string name, ContainerCreateRequest config) =>
        new(new ContainerRecord { Id = id, Name = name, Image = "img", ImageId = "sha256:" + new string('d', 64), Config = config }, new ContainerState(), _layout);

    private static List<(string? Destination, string? Source, bool ReadOnly)> Binds(JsonObject spec) =>
        spec["mounts"]!.AsArray().Where(m => (string?)m!["type"] == "bind" && !((string?)m["destination"])!.StartsWith("/etc/", StringComparison.Ordinal))
            .Select(m => ((string?)m!["destination"], (string?)m["source"], m["options"]!.AsArray().Any(o => (string?)o == "ro"))).ToList();

    [Fact]
    public void Volumes_from_takes_the_source_containers_binds_transitively_and_ro_applies_to_all()
    {
        var hostDir = Directory.CreateDirectory(Path.Combine(_dir, "host")).FullName;
        var containers = new Dictionary<string, Container>
        {
            ["system-volumes"] = Container(new string('a', 64), "system-volumes", Request(new HostConfig { Binds = [$"{hostDir}:/var/log", $"{hostDir}:/opt/docker:ro"] })),
            ["user-volumes"] = Container(new string('b', 64), "user-volumes", Request(new HostConfig { Binds = [$"{hostDir}:/home"] })),
        };
        containers["all-volumes"] = Container(new string('e', 64), "all-volumes", Request(new HostConfig { VolumesFrom = ["system-volumes", "user-volumes"] }));
        Container Lookup(string name) => containers.TryGetValue(name, out var c) ? c : throw new NotFoundException($"No such container: {name}");

        var spec = Build(Request(new HostConfig { Binds = [$"{hostDir}:/home"], VolumesFrom = ["all-volumes"] }), lookup: Lookup);
        var binds = Binds(spec);
        Assert.Equal(["/home", "/var/log", "/opt/docker"], binds.Select(b => b.Destination));
        Assert.Equal([false, false, true], binds.Select(b => b.ReadOnly));

        var readOnly = Binds(Build(Request(new HostConfig { VolumesFrom = ["all-volumes:ro"] }), lookup: Lookup));
        Assert.All(readOnly, b => Assert.True(b.ReadOnly));

        Assert.Throws<NotFoundException>(() => Build(Request(new HostConfig { VolumesFrom = ["nothing"] }), lookup: Lookup));
        Assert.Throws<InvalidArgumentException>(() => Build(Request(new HostConfig { VolumesFrom = ["all-volumes:rx"] }), lookup: Lookup));
    }

    [Fact]
    public void Privileged_containers_get_the_hosts_dev()
    {
        var dev = Build(Request(new HostConfig { Privileged = true }))["mounts"]!.AsArray().Single(m => (string?)m!["destination"] == "/dev")!;
        Assert.Equal(("bind", "/dev"), ((string?)dev["type"], (string?)dev["source"]));
        var confined = Build(Request(new HostConfig()))["mounts"]!.AsArray().Single(m => (string?)m!["destination"] == "/dev")!;
        Assert.Equal("tmpfs", (string?)confined["type"]);
    }

    private static ContainerCreateRequest Request(HostConfig host) => new() { Cmd = ["sh"], Entrypoint = ["/init"], HostConfig = host };

    // Nodes keep the CLR type they were made from; compare numbers by their JSON text.
    private static long L(JsonNode? node) => long.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static List<string?> Types(JsonNode? namespaces) => namespaces!.AsArray().Select(n => (string?)n!["type"]).ToList();

    [Fact]
    public void Limits_ulimits_and_oom_score_are_in_the_spec()
    {
        var spec = Build(Request(new HostConfig
        {
            Memory = 64 * 1024 * 1024,
            NanoCpus = 1_500_000_000,
            CpuShares = 512,
            PidsLimit = 100,
            OomScoreAdj = 300,
            Ulimits = [new UlimitRequest { Name = "nofile", Soft = 1024, Hard = 2048 }],
        }));
        var resources = spec["linux"]!["resources"]!;
        Assert.Equal(64 * 1024 * 1024, L(resources["memory"]!["limit"]!));
        Assert.Equal(150000, L(resources["cpu"]!["quota"]!));
        Assert.Equal(100000, L(resources["cpu"]!["period"]!));
        Assert.Equal(512, L(resources["cpu"]!["shares"]!));
        Assert.Equal(100, L(resources["pids"]!["limit"]!));
        Assert.Equal(300, L(spec["process"]!["oomScoreAdj"]));
        Assert.Equal("""[{"type":"RLIMIT_NOFILE","soft":1024,"hard":2048}]""", spec["process"]!["rlimits"]!.ToJsonString());
        Assert.Equal(["/init", "sh"], spec["process"]!["args"]!.AsArray().Select(a => (string?)a));
        Assert.Equal("/system-docker/" + new string('c', 64), (string?)spec["linux"]!["cgroupsPath"]);
    }

    [Fact]
    public void Namespaces_follow_the_modes_and_network_defaults_to_the_host()
    {
        Assert.Equal(["mount", "pid", "ipc", "uts", "cgroup"], Types(Build(Request(new HostConfig { NetworkMode = "host" }))["linux"]!["namespaces"]));
        Assert.Equal(["mount", "uts", "network", "cgroup"], Types(Build(Request(new HostConfig { NetworkMode = "none", PidMode = "host", IpcMode = "host" }))["linux"]!["namespaces"]));
        var utsHost = Build(Request(new HostConfig { NetworkMode = "host", UtsMode = "host" }));
        Assert.Equal(["mount", "pid", "ipc", "cgroup"], Types(utsHost["linux"]!["namespaces"]));
        Assert.Null(utsHost["hostname"]);
        var none = Build(new ContainerCreateRequest { Cmd = ["sh"], Hostname = "box", HostConfig = new HostConfig { NetworkMode = "none", ExtraHosts = ["db:10.0.0.5"] } });
        Assert.Equal("box", (string?)none["hostname"]);
        Assert.Contains("10.0.0.5\tdb\n", File.ReadAllText(Path.Combine(_layout.Dir(new string('c', 64)), "hosts")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, true)] // Docker's default on cgroup v2
    [InlineData(null, true, false)] // privileged system services manage the whole hierarchy
    [InlineData("host", false, false)]
    [InlineData("private", true, true)]
    public void A_cgroup_namespace_unless_the_mode_or_privilege_says_host(string? mode, bool privileged, bool expected)
    {
        var namespaces = Types(Build(Request(new HostConfig { CgroupnsMode = mode, Privileged = privileged }))["linux"]!["namespaces"]);
        Assert.Equal(expected, namespaces.Contains("cgroup"));
    }

    [Fact]
    public void User_privileged_read_only_and_device_rules()
    {
        var spec = Build(new ContainerCreateRequest { Cmd = ["sh"], User = "web:log", HostConfig = new HostConfig { ReadonlyRootfs = true } });
        Assert.Equal(33, L(spec["process"]!["user"]!["uid"]));
        Assert.Equal(4, L(spec["process"]!["user"]!["gid"]));
        Assert.Equal("HOME=/srv", spec["process"]!["env"]!.AsArray().Select(e => (string?)e).Last());
        Assert.True((bool)spec["root"]!["readonly"]!);
        Assert.False((bool)spec["linux"]!["resources"]!["devices"]![0]!["allow"]!);
        Assert.NotNull(spec["linux"]!["maskedPaths"]);

        var privileged = Build(Request(new HostConfig { Privileged = true }), deviceRules: false);
        Assert.Null(privileged["linux"]!["resources"]!["devices"]);
        Assert.Null(privileged["linux"]!["maskedPaths"]);
        Assert.Contains("CAP_SYS_ADMIN", privileged["process"]!["capabilities"]!["bounding"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public void Bad_options_are_invalid_arguments()
    {
        Assert.Contains("unknown capability", Assert.Throws<InvalidArgumentException>(() => Build(Request(new HostConfig { CapAdd = ["FLY"] }))).Message, StringComparison.Ordinal);
        Assert.Contains("invalid ulimit type", Assert.Throws<InvalidArgumentException>(() => Build(Request(new HostConfig { Ulimits = [new UlimitRequest { Name = "bogus", Soft = 1, Hard = 1 }] }))).Message, StringComparison.Ordinal);
        Assert.Contains("unable to find user nobody", Assert.Throws<InvalidArgumentException>(() => Build(new ContainerCreateRequest { Cmd = ["sh"], User = "nobody" })).Message, StringComparison.Ordinal);
        Assert.Contains("invalid volume specification", Assert.Throws<InvalidArgumentException>(() => Build(Request(new HostConfig { Binds = ["/a"] }))).Message, StringComparison.Ordinal);
        Assert.Contains("invalid cgroup namespace mode \"shared\"", Assert.Throws<InvalidArgumentException>(() => Build(Request(new HostConfig { CgroupnsMode = "shared" }))).Message, StringComparison.Ordinal);
    }
}
