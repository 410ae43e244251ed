namespace CorralOS.Services.Tests;

public sealed class ContainerSpecBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-spec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_field_maps_to_the_create_request_with_references_resolved()
    {
        File.WriteAllText(Path.Combine(_dir, "app.env"), "# comment\nFROM_FILE=1\nOVERRIDDEN=file\n\n");
        var services = Definitions.Parse("""
            holder: {image: os-base, container_name: holder-ctr}
            app:
              image: busybox:test
              command: sh -c "echo hi"
              entrypoint: [/bin/entry]
              env_file: app.env
              environment: {OVERRIDDEN: env, PLAIN: x}
              labels: {b: "2", a: "1"}
              volumes: [/srv:/srv:ro]
              volumes_from: ["holder:ro"]
              net: host
              pid: "container:holder"
              uts: host
              privileged: true
              restart: on-failure:3
              cap_add: [NET_ADMIN]
              cap_drop: [MKNOD]
              devices: [/dev/fuse, "/dev/sda:/dev/xvda:r"]
              links: [holder]
              read_only: true
              tmpfs: ["/run:size=1m", /tmp]
              ulimits: {nofile: {soft: 10, hard: 20}}
              logging: {driver: json-file, options: {max-size: 25m}}
              user: app
              working_dir: /home/app
              hostname: box
              oom_score_adj: -100
              mem_limit: 64m
              cpu_shares: 512
              tty: true
              stdin_open: true
              dns: [1.1.1.1]
              extra_hosts: ["db:10.0.0.2"]
              stop_signal: SIGINT
              stop_grace_period: 1m
            """);
        var spec = new ContainerSpecBuilder("os", services, _dir).Build(services[1]);
        var host = spec.HostConfig;
        Assert.Equal(["sh", "-c", "echo hi"], spec.Cmd);
        Assert.Equal(["/bin/entry"], spec.Entrypoint);
        Assert.Equal(["FROM_FILE=1", "OVERRIDDEN=env", "PLAIN=x"], spec.Env);
        Assert.Equal(["a", "b", ManagedLabels.Project, ManagedLabels.Service, ManagedLabels.ConfigHash], spec.Labels!.Keys);
        Assert.Equal(("os", "app"), (spec.Labels[ManagedLabels.Project], spec.Labels[ManagedLabels.Service]));
        Assert.Equal(["/srv:/srv:ro"], host.Binds);
        Assert.Equal(["holder-ctr:ro"], host.VolumesFrom);
        Assert.Equal(("host", "container:holder-ctr", "host"), (host.NetworkMode, host.PidMode, host.UtsMode));
        Assert.True(host.Privileged && host.ReadonlyRootfs && spec.Tty && spec.OpenStdin);
        Assert.Equal(("on-failure", 3), (host.RestartPolicy!.Name, host.RestartPolicy.MaximumRetryCount));
        Assert.Equal([new("/dev/fuse", "/dev/fuse", "rwm"), new("/dev/sda", "/dev/xvda", "r")], host.Devices!);
        Assert.Equal(["holder-ctr:holder"], host.Links);
        Assert.Equal(new Dictionary<string, string> { ["/run"] = "size=1m", ["/tmp"] = "" }, host.Tmpfs);
        Assert.Equal([new Engine.Client.UlimitSpec("nofile", 10, 20)], host.Ulimits!);
        Assert.Equal("25m", host.LogConfig!.Config["max-size"]);
        Assert.Equal((-100, 64L << 20, 512L), (host.OomScoreAdj, host.Memory, host.CpuShares));
        Assert.Equal(("app", "/home/app", "box"), (spec.User, spec.WorkingDir, spec.Hostname));
        Assert.Equal(["1.1.1.1"], host.Dns);
        Assert.Equal(["db:10.0.0.2"], host.ExtraHosts);
        Assert.Equal(("SIGINT", 60), (spec.StopSignal, spec.StopTimeout));
    }

    [Fact]
    public void The_hash_is_stable_and_follows_every_change()
    {
        IReadOnlyList<Compose.ServiceDefinition> Parse(string extra) => Definitions.Parse($"app: {{image: busybox:test, labels: {{a: '1'}}{extra}}}");
        string Hash(string extra) => new ContainerSpecBuilder("os", Parse(extra), _dir).Build(Parse(extra)[0]).Labels![ManagedLabels.ConfigHash];

        Assert.Equal(Hash(""), Hash(""));
        Assert.Matches("^[0-9a-f]{64}$", Hash(""));
        Assert.NotEqual(Hash(""), Hash(", command: [true]"));
        Assert.NotEqual(Hash(""), Hash(", privileged: true"));
        Assert.NotEqual(Hash(""), Hash(", environment: [A=1]"));
        Assert.Equal(Hash(", privileged: false"), Hash("")); // an unset field and its default hash alike

        File.WriteAllText(Path.Combine(_dir, "e.env"), "A=1\n");
        var before = Hash(", env_file: e.env");
        File.WriteAllText(Path.Combine(_dir, "e.env"), "A=2\n");
        Assert.NotEqual(before, Hash(", env_file: e.env"));
    }
}
