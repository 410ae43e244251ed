using CorralOS.Cli;
using CorralOS.Engine.Tests;

namespace CorralOS.Services.Tests;

/// <summary>`ros service` in-process against a temporary config root and the real engine.</summary>
public sealed class RosServiceTests : IClassFixture<EngineFixture>, IDisposable
{
    private readonly EngineFixture _fixture;
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-ros-service-").FullName;

    public RosServiceTests(EngineFixture fixture)
    {
        _fixture = fixture;
        // The image's defaults without rancher.repositories: the built-in ones point at GitHub, and tests stay on this machine.
        Write("usr/share/ros/os-config.yml", "rancher:\n  services: {}\n  services_include: {}\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CloudConfig => Path.Combine(_root, "var/lib/rancher/conf/cloud-config.yml");

    private (int Exit, string Output, string Error) Ros(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var socket = "unix://" + _fixture.Engine.Socket;
        var exit = Dispatcher.Run("ros", ["service", "--root", _root, "--host", socket, "--user-host", socket, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task A_local_service_file_is_enabled_brought_up_and_its_logs_read()
    {
        // The reference's TestRosLocalService and the secret-from-environment case of TestElideCmdLine, on busybox.
        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  environment:\n    SECRET: s3cret\n");
        Write("var/lib/rancher/conf/test.yml", """
            local-test:
              image: busybox:test
              entrypoint: [sh, -c]
              command: ["ls /; echo tell me a secret ${SECRET}"]
              labels:
                io.rancher.os.scope: system
                io.rancher.os.after: console
            """);

        Assert.Equal((0, "", ""), Ros("enable", "/var/lib/rancher/conf/test.yml"));
        Assert.Contains("services_include:\n    /var/lib/rancher/conf/test.yml: true\n", File.ReadAllText(CloudConfig), StringComparison.Ordinal);
        Assert.Equal((0, "enabled /var/lib/rancher/conf/test.yml\n", ""), Ros("list"));

        var up = Ros("up", "local-test");
        Assert.Equal(0, up.Exit);
        Assert.Equal("local-test: created\nlocal-test: started\n", up.Output);
        var container = await _fixture.Client.WaitContainerAsync("local-test", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, container);
        var logs = Ros("logs", "local-test");
        Assert.Equal(0, logs.Exit);
        Assert.Contains("bin\n", logs.Output, StringComparison.Ordinal);
        Assert.Contains("tell me a secret s3cret\n", logs.Output, StringComparison.Ordinal);
        Assert.Equal("tell me a secret s3cret\n", Ros("logs", "--lines", "1", "local-test").Output);

        var ps = Ros("ps");
        Assert.Matches("^NAME +SERVICE +SCOPE +IMAGE +STATUS\nlocal-test +local-test +system +busybox:test +Exited \\(0\\)", ps.Output);
        Assert.Matches("^[0-9a-f]{64}\n$", Ros("ps", "-q").Output);

        Assert.Equal((0, "local-test: removed\n", ""), Ros("rm", "local-test"));
        Assert.Equal((0, "", ""), Ros("ps", "-q"));
    }

    [Fact]
    public void Up_leaves_a_running_service_alone_stop_start_and_restart_act_on_it()
    {
        Write("var/lib/rancher/conf/cloud-config.yml", """
            rancher:
              services:
                cli-daemon:
                  image: busybox:test
                  command: [sleep, "600"]
                  labels: {io.rancher.os.scope: system}
            """);
        Assert.Equal((0, "cli-daemon: created\ncli-daemon: started\n", ""), Ros("up"));
        Assert.Equal((0, "cli-daemon: up to date\n", ""), Ros("up"));
        Assert.Equal((0, "cli-daemon: stopped\n", ""), Ros("stop", "-t", "0"));
        Assert.Equal((0, "cli-daemon: started\n", ""), Ros("start", "cli-daemon"));
        Assert.Equal((0, "cli-daemon: stopped\ncli-daemon: started\n", ""), Ros("restart", "-t", "0"));
        Assert.Equal((0, "cli-daemon: killed\n", ""), Ros("kill"));
        var refused = Ros("up", "--no-recreate", "--force-recreate");
        Assert.Equal((1, "ros: --no-recreate and --force-recreate cannot be used together\n"), (refused.Exit, refused.Error));
        Assert.Equal((0, "cli-daemon: removed\n", ""), Ros("rm", "-f"));
    }

    [Fact]
    public void The_catalog_lists_enable_disable_and_delete_edit_services_include()
    {
        Write("usr/share/ros/services/index.yml", "services: [zfs, open-iscsi]\nconsoles: [alpine]\n");
        Write("usr/share/ros/services/z/zfs.yml", "zfs:\n  image: busybox:test\n  labels: {io.rancher.os.detach: \"false\", io.rancher.os.after: console, io.rancher.os.before: docker}\n");
        Write("usr/share/ros/services/o/open-iscsi.yml", "open-iscsi: {image: busybox:test}\n");
        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  services:\n    builtin: {image: busybox:test}\n");

        Assert.Equal("disabled open-iscsi\ndisabled zfs\n", Ros("list").Output);
        Assert.Equal((0, "", ""), Ros("enable", "zfs"));
        Assert.Equal("disabled open-iscsi\nenabled zfs\n", Ros("list").Output);
        Assert.Equal("enabled builtin\ndisabled open-iscsi\nenabled zfs\n", Ros("list", "-a").Output);
        Assert.Equal((0, "", ""), Ros("disable", "zfs", "never-enabled"));
        Assert.Equal("disabled open-iscsi\ndisabled zfs\n", Ros("list").Output);
        Assert.Contains("zfs: false", File.ReadAllText(CloudConfig), StringComparison.Ordinal);
        Assert.DoesNotContain("never-enabled", File.ReadAllText(CloudConfig), StringComparison.Ordinal);
        Assert.Equal((0, "", ""), Ros("delete", "zfs"));
        Assert.DoesNotContain("zfs", File.ReadAllText(CloudConfig), StringComparison.Ordinal);

        Assert.Equal((1, "", "invalid is not a valid service\n"), Ros("enable", "invalid"));
        Assert.Equal((1, "", "/etc/passwd: local service files must be under /var/lib/rancher/conf\n"), Ros("enable", "/etc/passwd"));
        Assert.Equal((1, "", "/var/lib/rancher/conf/none.yml: no such file\n"), Ros("enable", "/var/lib/rancher/conf/none.yml"));
        Assert.DoesNotContain("invalid", File.ReadAllText(CloudConfig), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_stages_a_missing_image_with_progress_and_a_failed_pull_enables_nothing()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var image = $"{registry.Host}/corralos-test/staged:1";
        var engine = _fixture.Engine;
        Assert.Equal(0, (await engine.DockerAsync("tag", "busybox:test", image)).Exit);
        var push = await engine.DockerAsync("push", image);
        Assert.True(push.Exit == 0, push.Error);
        Assert.Equal(0, (await engine.DockerAsync("rmi", image)).Exit);
        Assert.Null(await _fixture.Client.InspectImageAsync(image, TestContext.Current.CancellationToken));
        Write("usr/share/ros/services/index.yml", "services: [staged, unpullable]\n");
        Write("usr/share/ros/services/s/staged.yml", $"staged: {{image: {image}, labels: {{io.rancher.os.scope: system}}}}\n");
        Write("usr/share/ros/services/u/unpullable.yml", $"unpullable: {{image: {registry.Host}/corralos-test/absent:1, labels: {{io.rancher.os.scope: system}}}}\n");

        var enabled = Ros("enable", "staged");
        Assert.Equal((0, ""), (enabled.Exit, enabled.Error));
        Assert.StartsWith($"staged: pulling {image}\n", enabled.Output, StringComparison.Ordinal);
        Assert.Matches("\nstaged: [0-9a-f]{12}: (Already exists|Pull complete)\n", enabled.Output);
        Assert.NotNull(await _fixture.Client.InspectImageAsync(image, TestContext.Current.CancellationToken));
        Assert.Equal("enabled staged\ndisabled unpullable\n", Ros("list").Output);
        Assert.Equal((0, "", ""), Ros("enable", "staged")); // already enabled: nothing to stage

        // `ros service pull` pulls whether or not the engine has the image.
        Assert.Equal(0, (await engine.DockerAsync("rmi", image)).Exit);
        var pulled = Ros("pull", "staged");
        Assert.Equal((0, $"staged: pulling {image}\n", ""), pulled);
        Assert.NotNull(await _fixture.Client.InspectImageAsync(image, TestContext.Current.CancellationToken));

        // As RancherOS: a pull that fails is an error and the service is not enabled.
        var failed = Ros("enable", "unpullable");
        Assert.Equal(1, failed.Exit);
        Assert.StartsWith("unpullable: pulling ", failed.Output, StringComparison.Ordinal);
        Assert.Matches($"^ros: unpullable: image {registry.Host}/corralos-test/absent:1 could not be pulled: .+\n$", failed.Error);
        Assert.Equal("enabled staged\ndisabled unpullable\n", Ros("list").Output);
        Assert.Equal((1, "", "nonexistent is not a valid service\n"), Ros("enable", "nonexistent"));
        Assert.Equal(0, (await engine.DockerAsync("rmi", image)).Exit);
    }

    [Fact]
    public void Up_with_names_brings_up_those_services_only_not_what_they_start_after()
    {
        // libcompose's up SERVICE… (RancherOS's `ros service up`) acts on the selected services; the others are left as they are.
        Write("var/lib/rancher/conf/cloud-config.yml", """
            rancher:
              services:
                only-base:
                  image: busybox:test
                  command: [sleep, "600"]
                  labels: {io.rancher.os.scope: system}
                only-named:
                  image: busybox:test
                  command: [sleep, "600"]
                  depends_on: [only-base]
                  labels: {io.rancher.os.scope: system, io.rancher.os.after: only-base}
                only-second:
                  image: busybox:test
                  command: [sleep, "600"]
                  labels: {io.rancher.os.scope: system, io.rancher.os.after: only-named}
            """);
        Assert.Equal((0, "only-named: created\nonly-named: started\n", ""), Ros("up", "only-named"));
        Assert.Equal("", Ros("ps", "-q", "only-base", "only-second").Output);

        // Several names: in their order among themselves; the rest of the project still untouched.
        Assert.Equal((0, "only-named: up to date\nonly-second: created\nonly-second: started\n", ""), Ros("up", "only-second", "only-named"));
        Assert.Equal("", Ros("ps", "-q", "only-base").Output);

        var all = Ros("up");
        Assert.Equal((0, ""), (all.Exit, all.Error));
        Assert.StartsWith("only-base: created\nonly-base: started\n", all.Output, StringComparison.Ordinal);
        Assert.Equal(0, Ros("rm", "-f").Exit);
    }

    [Fact]
    public void Create_makes_containers_without_starting_them_and_up_then_starts_them()
    {
        Write("var/lib/rancher/conf/cloud-config.yml", """
            rancher:
              services:
                made-a: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.scope: system}}
                made-b: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.scope: system, io.rancher.os.after: made-a}}
            """);
        Assert.Equal((0, "made-a: created\nmade-b: created\n", ""), Ros("create"));
        Assert.Matches("made-a +made-a +system +busybox:test +Created\n", Ros("ps").Output);
        Assert.Equal((0, "made-a: recreated\nmade-b: recreated\n", ""), Ros("create", "--force-recreate"));
        Assert.Matches("made-b +made-b +system +busybox:test +Created\n", Ros("ps").Output);
        Assert.Equal((0, "made-a: started\nmade-b: started\n", ""), Ros("up"));
        Assert.Equal(0, Ros("rm", "-f").Exit);
    }

    [Fact]
    public async Task Scope_system_runs_on_system_docker_and_every_other_service_on_user_docker()
    {
        await using var user = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(user);
        Write("var/lib/rancher/conf/cloud-config.yml", """
            rancher:
              services:
                on-system: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.scope: system}}
                on-user: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.scope: user}}
                on-default: {image: busybox:test, command: [sleep, "600"]}
            """);
        string[] hosts = ["--host", "unix://" + _fixture.Engine.Socket, "--user-host", "unix://" + user.Socket];
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, Dispatcher.Run("ros", ["service", "--root", _root, .. hosts, "up"], output, error));
        Assert.Equal("", error.ToString());

        using var userClient = new CorralOS.Engine.Client.EngineClient("unix://" + user.Socket);
        var token = TestContext.Current.CancellationToken;
        Assert.NotNull(await _fixture.Client.InspectContainerAsync("on-system", token));
        Assert.Null(await _fixture.Client.InspectContainerAsync("on-user", token));
        Assert.Null(await _fixture.Client.InspectContainerAsync("on-default", token));
        Assert.True((await userClient.InspectContainerAsync("on-user", token))!.State.Running);
        Assert.True((await userClient.InspectContainerAsync("on-default", token))!.State.Running);
        Assert.Null(await userClient.InspectContainerAsync("on-system", token));

        output = new StringWriter();
        Assert.Equal(0, Dispatcher.Run("ros", ["service", "--root", _root, .. hosts, "ps"], output, error));
        Assert.Matches("on-system +on-system +system ", output.ToString());
        Assert.Matches("on-user +on-user +user ", output.ToString());
        Assert.Equal(0, Dispatcher.Run("ros", ["service", "--root", _root, .. hosts, "rm", "-f"], output, error));
    }

    [Fact]
    public void Problems_in_service_files_are_reported_and_bad_services_left_out()
    {
        Write("var/lib/rancher/conf/bad.yml", "bad-one:\n  image: busybox:test\n  privileged: maybe\nodd-one:\n  image: busybox:test\n  command: [true]\n  ports: [80]\n  labels: {io.rancher.os.scope: system, io.rancher.os.createonly: \"true\"}\n");
        Assert.Equal(0, Ros("enable", "/var/lib/rancher/conf/bad.yml").Exit);

        var up = Ros("up");
        Assert.Equal(0, up.Exit);
        Assert.Equal(
            "/var/lib/rancher/conf/bad.yml:3:15: bad-one.privileged: expected a boolean, got \"maybe\"\n"
            + "warning: /var/lib/rancher/conf/bad.yml:7:3: odd-one.ports: unknown key\n", up.Error);
        Assert.Equal("odd-one: created\n", up.Output);
        var missing = Ros("up", "bad-one");
        Assert.Equal(1, missing.Exit);
        Assert.EndsWith("ros: no such service: bad-one\n", missing.Error, StringComparison.Ordinal);
        Assert.Equal(0, Ros("rm").Exit);
    }

    [Fact]
    public void Help_lists_the_subcommands_and_an_unreachable_engine_is_one_line()
    {
        var help = Ros("--help");
        Assert.Equal(0, help.Exit);
        foreach (var sub in new[] { "list", "enable", "disable", "delete", "up", "create", "start", "stop", "restart", "kill", "rm", "logs", "ps", "pull" })
        {
            Assert.Contains($"  {sub} ", help.Output, StringComparison.Ordinal);
        }
        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  services:\n    x: {image: busybox:test, labels: {io.rancher.os.scope: system}}\n");
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Dispatcher.Run("ros", ["s", "--root", _root, "--host", "unix:///nonexistent/sd.sock", "ps"], output, error);
        Assert.Equal(1, exit);
        Assert.StartsWith("ros: cannot reach the engine at unix:///nonexistent/sd.sock: ", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Catalogs_and_services_by_url_are_fetched_once_and_cached_until_an_update()
    {
        using var server = new CatalogServer(new Dictionary<string, string>
        {
            ["/index.yml"] = "services: [web-svc]\n",
            ["/w/web-svc.yml"] = "web-svc: {image: busybox:test, command: [echo, from the repository], labels: {io.rancher.os.scope: system, io.rancher.os.detach: \"false\"}}\n",
            ["/direct.yml"] = "direct-svc: {image: busybox:test, command: [echo, by url], labels: {io.rancher.os.scope: system, io.rancher.os.detach: \"false\"}}\n",
        });
        Write("var/lib/rancher/conf/cloud-config.yml", $"rancher:\n  repositories:\n    extra:\n      url: {server.Url}\n");

        Assert.Equal((0, "disabled web-svc\n", ""), Ros("list"));
        Assert.Equal((0, "disabled web-svc\n", ""), Ros("list"));
        Assert.Equal(1, server.Requests); // the second list read the cache
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "var/lib/rancher/cache")), f => Path.GetFileName(f) == Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(server.Url + "/index.yml"))));
        Assert.Equal((0, "disabled web-svc\n", ""), Ros("list", "-u"));
        Assert.Equal(2, server.Requests);

        Assert.Equal((0, "", ""), Ros("enable", "web-svc", server.Url + "/direct.yml"));
        Assert.Equal($"enabled web-svc\nenabled {server.Url}/direct.yml\n", Ros("list").Output);
        Assert.Equal(0, Ros("up").Exit);
        Assert.Equal("from the repository\n", Ros("logs", "web-svc").Output);
        Assert.Equal("by url\n", Ros("logs", "direct-svc").Output);
        var requests = server.Requests;

        server.Dispose();
        Assert.Equal((0, $"enabled web-svc\nenabled {server.Url}/direct.yml\n", ""), Ros("list")); // offline: the cache answers
        var update = Ros("list", "-u");
        Assert.Equal(0, update.Exit);
        Assert.StartsWith($"warning: {server.Url}/index.yml: ", update.Error, StringComparison.Ordinal);
        Assert.Equal(requests, server.Requests);
        Assert.Equal(0, Ros("rm", "-f").Exit);
    }

    [Fact]
    public void Logs_follow_until_the_containers_stop_and_prefix_each_line_with_the_service()
    {
        Write("var/lib/rancher/conf/cloud-config.yml", """
            rancher:
              services:
                follow-a:
                  image: busybox:test
                  command: [sh, -c, "echo a1; sleep 2; echo a2"]
                  labels: {io.rancher.os.scope: system}
                follow-bb:
                  image: busybox:test
                  command: [sh, -c, "echo b1 >&2"]
                  labels: {io.rancher.os.scope: system, io.rancher.os.after: follow-a}
            """);
        Assert.Equal(0, Ros("up").Exit);

        var followed = Ros("logs", "-f", "follow-a");
        Assert.Equal((0, "a1\na2\n", ""), followed); // a2 is written 2 s after up returned: only following sees it

        var both = Ros("logs");
        Assert.Equal("follow-a  | a1\nfollow-a  | a2\n", both.Output);
        Assert.Equal("follow-bb | b1\n", both.Error);
        Assert.Equal(0, Ros("rm", "-f").Exit);
    }
}
