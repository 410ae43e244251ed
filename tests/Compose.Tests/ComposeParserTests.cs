using CorralOS.Config;

namespace CorralOS.Compose.Tests;

public class ComposeParserTests
{
    private static readonly Dictionary<string, string> s_environment = new(StringComparer.Ordinal)
    {
        ["REGISTRY_DOMAIN"] = "docker.io",
        ["SUFFIX"] = "",
        ["VERSION"] = "v1.5.8",
        ["A"] = "A",
        ["BB"] = "BB",
        ["BC"] = "BC",
        ["HTTP_PROXY"] = "http://proxy:3128",
    };

    private static ComposeFile Parse(string yaml, string file = "services.yml") => ComposeParser.ParseFile(yaml, file, s_environment);

    private static ServiceDefinition Single(string yaml)
    {
        var parsed = Parse(yaml);
        Assert.Empty(parsed.Problems);
        return Assert.Single(parsed.Services);
    }

    [Fact]
    public void The_default_console_service_reads_every_field()
    {
        var console = Single("""
            console:
              image: ${REGISTRY_DOMAIN}/rancher/os-console:${VERSION}${SUFFIX}
              command: ros console-init
              labels:
                io.rancher.os.scope: system
                io.rancher.os.after: cloud-init
                io.docker.compose.rebuild: always
                io.rancher.os.console: default
              net: host
              uts: host
              pid: host
              ipc: host
              privileged: true
              restart: always
              volumes_from:
                - all-volumes
              environment:
                - HTTP_PROXY
                - HTTPS_PROXY
                - NO_PROXY
            """);

        Assert.Equal("console", console.Name);
        Assert.Equal("docker.io/rancher/os-console:v1.5.8", console.Image);
        Assert.Equal(["ros", "console-init"], console.Command);
        Assert.Equal(("host", "host", "host", "host"), (console.NetworkMode, console.Uts, console.Pid, console.Ipc));
        Assert.True(console.Privileged);
        Assert.Equal("always", console.Restart);
        Assert.Equal(["all-volumes"], console.VolumesFrom);
        Assert.Equal(["HTTP_PROXY=http://proxy:3128"], console.Environment); // the unset bare names are left out
        Assert.Equal(ServiceScope.System, console.Rancher.ServiceScope);
        Assert.Equal(["cloud-init-execute"], console.Rancher.StartsAfter);
        Assert.Equal(RebuildPolicy.Always, console.Rancher.RebuildPolicy);
        Assert.Equal("default", console.Rancher.ConsoleName);
        Assert.True(console.Rancher.IsDetached);
        Assert.Equal(new SourcePosition("services.yml", 2, 3), console.Source);
    }

    [Fact]
    public void Bare_environment_names_and_wildcards_come_from_rancher_environment()
    {
        // The reference's environment test: env [A, B*] with rancher.environment {A, BB, BC}.
        var env = Single("""
            env:
              image: busybox
              command: env
              labels:
                io.rancher.os.scope: system
                io.rancher.os.before: console
              environment:
                - A
                - B*
                - C=literal
            """);
        Assert.Equal(["A=A", "BB=BB", "BC=BC", "C=literal"], env.Environment);
        Assert.Equal(["console"], env.Rancher.StartsBefore);

        var map = Single("""
            env:
              image: busybox
              environment:
                A:
                X: 5
                Y: "two words"
            """);
        Assert.Equal(["A=A", "X=5", "Y=two words"], map.Environment);
    }

    [Fact]
    public void One_shot_volume_and_module_services_read_their_labels()
    {
        var parsed = Parse("""
            udev-cold:
              image: rancher/os-base:v1.5.8
              command: ros udev-settle
              labels:
                io.rancher.os.detach: "false"
                io.rancher.os.scope: system
              privileged: true
            system-volumes:
              image: rancher/os-base:v1.5.8
              command: echo
              labels: [io.rancher.os.createonly=true, io.rancher.os.scope=system]
              read_only: true
              volumes:
                - /dev:/host/dev
                - /etc/docker:/etc/docker
                - /media:/media:shared
                - /var/lib/rancher/conf
            network:
              image: rancher/os-base:v1.5.8
              command: netconf
              labels:
                io.rancher.os.reloadconfig: "true"
                io.rancher.os.after: udev
                io.rancher.os.scope: system
            """);
        Assert.Empty(parsed.Problems);
        Assert.Equal(["udev-cold", "system-volumes", "network"], parsed.Services.Select(s => s.Name));
        Assert.False(parsed.Services[0].Rancher.IsDetached);
        Assert.True(parsed.Services[1].Rancher.IsCreateOnly);
        Assert.True(parsed.Services[1].ReadOnly);
        Assert.Equal(4, parsed.Services[1].Volumes.Count);
        Assert.True(parsed.Services[2].Rancher.IsReloadConfig);
        Assert.Equal(ServiceScope.User, new RancherLabels(new Dictionary<string, string>()).ServiceScope);
    }

    [Fact]
    public void Lenient_typing_quoted_booleans_numbers_and_label_values_of_any_type()
    {
        // What RancherOS's lenient-parsing test service looked like: booleans and numbers in odd forms.
        var service = Single("""
            test-parsing:
              image: alpine
              command: echo "hello world" 'single quoted' a\ b
              privileged: "true"
              tty: yes
              read_only: 0
              cpu_shares: "512"
              mem_limit: 64m
              oom_score_adj: -100
              labels:
                io.rancher.os.detach: false
                io.rancher.os.scope: system
                count: 3
              dns: 8.8.8.8
              ulimits:
                nofile: 1000000
                nproc: {soft: 1024, hard: 2048}
              logging:
                driver: json-file
                options: {max-size: 25m, max-file: 2}
              extra_hosts: {db: 10.0.0.2}
              tmpfs: /run
              depends_on: {network: {condition: service_started}}
            """);
        Assert.Equal(["echo", "hello world", "single quoted", "a b"], service.Command);
        Assert.True(service.Privileged);
        Assert.True(service.Tty);
        Assert.False(service.ReadOnly);
        Assert.Equal(512, service.CpuShares);
        Assert.Equal(64L << 20, service.MemLimit);
        Assert.Equal(-100, service.OomScoreAdj);
        Assert.Equal("false", service.Labels["io.rancher.os.detach"]);
        Assert.Equal("3", service.Labels["count"]);
        Assert.False(service.Rancher.IsDetached);
        Assert.Equal(["8.8.8.8"], service.Dns);
        Assert.Equal(new Ulimit(1000000, 1000000), service.Ulimits["nofile"]);
        Assert.Equal(new Ulimit(1024, 2048), service.Ulimits["nproc"]);
        Assert.Equal("json-file", service.LogDriver);
        Assert.Equal("2", service.LogOptions["max-file"]);
        Assert.Equal(["db:10.0.0.2"], service.ExtraHosts);
        Assert.Equal(["/run"], service.Tmpfs);
        Assert.Equal(["network"], service.DependsOn);
    }

    [Fact]
    public void The_services_form_with_version_and_named_volumes()
    {
        var parsed = Parse("""
            version: "2"
            services:
              web:
                image: nginx
                network_mode: host
                volumes: [data:/var/www]
                links: [db:database]
              db:
                image: postgres
                entrypoint: [/docker-entrypoint.sh, postgres]
                user: "999"
                working_dir: /var/lib/postgresql
                hostname: db
                container_name: the-db
            volumes:
              data: {}
            """);
        Assert.Empty(parsed.Problems);
        Assert.Equal(["web", "db"], parsed.Services.Select(s => s.Name));
        Assert.Equal("host", parsed.Services[0].NetworkMode);
        Assert.Equal(["db:database"], parsed.Services[0].Links);
        Assert.Equal(["/docker-entrypoint.sh", "postgres"], parsed.Services[1].Entrypoint);
        Assert.Equal("999", parsed.Services[1].User);
        Assert.Equal("the-db", parsed.Services[1].EffectiveContainerName);
        Assert.Equal("web", parsed.Services[0].EffectiveContainerName);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("1m30s", 90)]
    [InlineData("1.5s", 2)]
    [InlineData("500ms", 1)]
    [InlineData("2h", 7200)]
    public void Stop_grace_period_is_a_compose_duration_in_whole_seconds(string text, int seconds)
    {
        Assert.Equal(seconds, Single($"slow:\n  image: busybox\n  stop_grace_period: {text}\n").StopGracePeriod);
    }

    [Fact]
    public void A_stop_grace_period_that_is_no_duration_is_reported()
    {
        var parsed = Parse("slow:\n  image: busybox\n  stop_grace_period: 30 seconds\n");
        Assert.Equal(["services.yml:3:22: slow.stop_grace_period: expected a duration such as 30s, 1m30s or 500ms, got \"30 seconds\""],
            parsed.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Every_problem_is_reported_with_line_column_service_and_field()
    {
        var parsed = Parse("""
            broken:
              image: busybox
              privileged: maybe
              restart: sometimes
              cap_add: {SYS_ADMIN: true}
              mem_limit: lots
              net: bridge-ish
              labels:
                io.rancher.os.detach: later
                io.rancher.os.colour: blue
              ports: ["80:80"]
            noimage:
              command: [true]
            notamap: [1, 2]
            """);
        Assert.Equal(
        [
            "services.yml:3:15: broken.privileged: expected a boolean, got \"maybe\"",
            "services.yml:4:12: broken.restart: expected no, always, unless-stopped or on-failure[:N], got \"sometimes\"",
            "services.yml:5:12: broken.cap_add: expected a list of strings, got a map",
            "services.yml:6:14: broken.mem_limit: expected a size such as 512m, 1g or a number of bytes, got \"lots\"",
            "services.yml:7:8: broken.net: expected host, none, bridge or container:NAME, got \"bridge-ish\"",
            "services.yml:11:3: broken.ports: unknown key",
            "services.yml:9:27: broken.labels.io.rancher.os.detach: expected \"true\" or \"false\", got \"later\"",
            "services.yml:10:27: broken.labels.io.rancher.os.colour: unknown io.rancher.os label",
            "services.yml:13:3: noimage.image: every service needs an image",
            "services.yml:14:10: notamap: expected a map of service fields",
        ], parsed.Problems.Select(p => p.ToString()));
        Assert.Empty(parsed.Services);
        Assert.Equal(2, parsed.Problems.Count(p => p.IsUnknownKey));
    }

    [Fact]
    public void Unknown_keys_alone_keep_the_service_usable_at_boot()
    {
        var parsed = Parse("""
            old:
              image: busybox
              build: .
            """);
        var problem = Assert.Single(parsed.Problems);
        Assert.True(problem.IsUnknownKey);
        Assert.Empty(parsed.Errors);
        Assert.Equal("old", Assert.Single(parsed.Services).Name);
    }

    [Fact]
    public void Bad_yaml_and_crlf_are_problems_with_positions()
    {
        Assert.Equal("broken.yml:3:1: not valid YAML", Parse("a:\n  b: [1, 2\n", "broken.yml").Problems[0].ToString()[..30]);
        Assert.Contains("CRLF", Parse("a:\r\n  image: x\r\n").Problems[0].Message, StringComparison.Ordinal);
        Assert.Empty(Parse("").Services);
    }

    [Fact]
    public void Rancher_services_from_the_merged_tree_have_keys_but_no_positions()
    {
        var tree = (Dictionary<string, object?>)YamlValues.Parse("""
            rancher:
              services:
                ntp:
                  image: rancher/os-base
                  command: /bin/start_ntp.sh
                  restart: always
                  labels: {io.rancher.os.after: network, io.rancher.os.scope: system}
                bad:
                  image: busybox
                  pid: container
            """)!;
        var services = (IReadOnlyDictionary<string, object?>)ConfigTree.Get(tree, "rancher.services")!;
        var parsed = ComposeParser.ParseServices(services, "(config)", "rancher.services", s_environment);
        Assert.Equal("ntp", Assert.Single(parsed.Services).Name);
        Assert.Equal(["(config): rancher.services.bad.pid: expected host or container:NAME, got \"container\""], parsed.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_config_layer_is_validated_with_its_file_positions()
    {
        var document = YamlDocument.Parse("""
            rancher:
              services:
                good: {image: busybox}
                bad: {image: busybox, tty: [1]}
              bootstrap:
                boot: {command: x}
            """, "cloud-config.yml");
        Assert.Equal(
        [
            "cloud-config.yml:4:32: rancher.services.bad.tty: expected a boolean, got a list",
            "cloud-config.yml:6:11: rancher.bootstrap.boot.image: every service needs an image",
        ], ComposeParser.ValidateConfigLayer(document, s_environment).Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("echo hi", new[] { "echo", "hi" })]
    [InlineData("sh -c 'echo $HOME && ls'", new[] { "sh", "-c", "echo $HOME && ls" })]
    [InlineData("a\"b c\"d  e", new[] { "ab cd", "e" })]
    [InlineData("say \"\\\"quoted\\\"\"", new[] { "say", "\"quoted\"" })]
    [InlineData("''", new[] { "" })]
    public void String_commands_split_like_a_shell(string text, string[] words) => Assert.Equal(words, ShellWords.Split(text));
}
