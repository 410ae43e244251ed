using System.Text.Json;

namespace CorralOS.SystemDockerClient.Tests;

/// <summary>run, exec, logs, start, stop, restart, rm and inspect: exit codes, output and errors as the docker CLI's.</summary>
public sealed class ContainerCommandTests(ClientEngine engine) : IClassFixture<ClientEngine>
{
    [Fact]
    public async Task Run_returns_the_container_s_exit_code_and_its_streams()
    {
        var result = await engine.SystemDockerAsync("run", "--rm", "--name", "exit-three", "busybox:test", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, result.Exit);
        Assert.Equal("out\n", result.Output);
        Assert.Equal("err\n", result.Error);
        Assert.Equal("", (await engine.SystemDockerAsync("ps", "-aq", "--filter", "name=exit-three")).Ok().Output);

        // -i: stdin reaches the container and its end ends cat.
        result = await engine.SystemDockerWithInputAsync("line one\nline two\n"u8.ToArray(), "run", "--rm", "-i", "busybox:test", "cat");
        Assert.Equal("line one\nline two\n", result.Ok().Output);

        // -t: a TTY inside, output raw.
        result = await engine.SystemDockerAsync("run", "--rm", "-t", "busybox:test", "sh", "-c", "test -t 1 && echo tty");
        Assert.Equal("tty\r\n", result.Ok().Output);
    }

    [Fact]
    public async Task Run_options_make_the_same_container_as_docker_run()
    {
        var volume = Directory.CreateTempSubdirectory("corralos-sdc-volume-").FullName;
        string[] options =
        [
            "-d", "-e", "FOO=bar", "-e", "EMPTY=", "-w", "/tmp", "-u", "1234", "-v", $"{volume}:/host:ro", "--restart", "on-failure:3",
            "--privileged", "--net", "none", "--entrypoint", "sh", "-l", "a=b", "-l", "c=d", "--pid", "host", "--ipc", "host",
        ];
        var ours = (await engine.SystemDockerAsync(["run", "--name", "opts-ours", .. options, "busybox:test", "-c", "sleep 600"])).Ok().Output.Trim();
        var docker = (await engine.DockerAsync(["run", "--name", "opts-docker", .. options, "busybox:test", "-c", "sleep 600"])).Ok().Output.Trim();
        Assert.Matches("^[0-9a-f]{64}$", ours);
        // The docker CLI's Env order varies from run to run (it passes -e through a Go map): compared as a set below.
        const string template = "{{.Config.WorkingDir}} {{.Config.User}} {{json .HostConfig.Binds}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.HostConfig.Privileged}} {{.HostConfig.NetworkMode}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Labels}} {{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.Config.Tty}} {{.Config.OpenStdin}} {{.State.Status}}";
        var ourInspect = (await engine.DockerAsync("inspect", "-f", template, "opts-ours")).Ok().Output;
        var dockerInspect = (await engine.DockerAsync("inspect", "-f", template, "opts-docker")).Ok().Output;
        Assert.Equal(dockerInspect, ourInspect);
        var ourEnv = await EnvAsync("opts-ours");
        Assert.Equal((await EnvAsync("opts-docker")).Order(StringComparer.Ordinal), ourEnv.Order(StringComparer.Ordinal));
        Assert.Equal(["PATH=/bin", "FOO=bar", "EMPTY="], ourEnv);
        Assert.Contains("on-failure:3 true none [\"sh\"] [\"-c\",\"sleep 600\"]", ourInspect, StringComparison.Ordinal);

        // exec: -e -w -u, and the exit code of the process.
        var exec = await engine.SystemDockerAsync("exec", "-e", "X=1", "-w", "/host", "-u", "0", "opts-ours", "sh", "-c", "echo $X $(pwd) $(id -u); exit 4");
        Assert.Equal(4, exec.Exit);
        Assert.Equal("1 /host 0\n", exec.Output);
        var input = await engine.SystemDockerWithInputAsync("to exec\n"u8.ToArray(), "exec", "-i", "opts-ours", "cat");
        Assert.Equal("to exec\n", input.Ok().Output);
        Assert.Equal("tty\r\n", (await engine.SystemDockerAsync("exec", "-t", "opts-ours", "sh", "-c", "test -t 0 && echo tty")).Ok().Output);
        (await engine.SystemDockerAsync("exec", "-d", "opts-ours", "touch", "/tmp/detached")).Ok();

        (await engine.SystemDockerAsync("rm", "-f", "opts-ours", "opts-docker")).Ok();
        Directory.Delete(volume, recursive: true);
    }

    [Fact]
    public async Task Exit_codes_and_error_lines_match_docker()
    {
        foreach (var args in new[]
        {
            new[] { "run", "--rm", "busybox:test", "sh", "-c", "exit 3" },
            ["run", "--rm", "busybox:test", "nosuchcommand"],
            ["run", "--rm", "no-such-image-here:1"],
            ["run", "--restart", "always", "--rm", "busybox:test", "true"],
            ["exec", "no-such-container", "true"],
            ["logs", "no-such-container"],
            ["stop", "no-such-container"],
            ["start", "no-such-container"],
            ["restart", "no-such-container"],
            ["rm", "no-such-container"],
            ["rmi", "no-such-image:1"],
            ["inspect", "no-such-thing"],
            ["tag", "no-such-image:1", "other:1"],
            ["ps", "--bogus"],
            ["run", "--bogus", "busybox:test"],
            ["rm"],
        })
        {
            var ours = await engine.SystemDockerAsync(args);
            var docker = await engine.DockerAsync(args);
            Assert.True(docker.Exit == ours.Exit, $"{string.Join(' ', args)}: docker {docker.Exit} ({docker.Error.Trim()}), system-docker {ours.Exit} ({ours.Error.Trim()})");
            Assert.Equal(docker.Output, ours.Output);
            var line = ours.Error.Trim();
            Assert.DoesNotContain('\n', line.Replace("Unable to find image 'no-such-image-here:1' locally\n", "", StringComparison.Ordinal));
            Assert.True(line.Length > 0 || ours.Exit == 3, string.Join(' ', args));
        }
        Assert.Equal("Error response from daemon: No such container: no-such-container\n", (await engine.SystemDockerAsync("rm", "no-such-container")).Error);
        Assert.Equal("Error: No such object: no-such-thing\n", (await engine.SystemDockerAsync("inspect", "no-such-thing")).Error);
        Assert.Equal("[]\n", (await engine.SystemDockerAsync("inspect", "no-such-thing")).Output);
        var pull = await engine.SystemDockerAsync("run", "--rm", "no-such-image-here:1");
        Assert.StartsWith("Unable to find image 'no-such-image-here:1' locally\n", pull.Error, StringComparison.Ordinal);
        var unreachable = await engine.RunAsync(ClientEngine.Ros, ["system-docker", "-H", "unix:///nonexistent.sock", "ps"], null);
        Assert.Equal(1, unreachable.Exit);
        Assert.StartsWith("Cannot connect to System Docker at unix:///nonexistent.sock.", unreachable.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_match_docker_logs()
    {
        (await engine.SystemDockerAsync("run", "--name", "logger", "busybox:test", "sh", "-c", "for i in 1 2 3 4; do echo out$i; echo err$i >&2; done")).Ok();
        foreach (var args in new[]
        {
            new[] { "logs", "logger" },
            ["logs", "--tail", "2", "logger"],
            ["logs", "-n", "1", "logger"],
            ["logs", "-t", "logger"],
            ["logs", "--since", "10m", "logger"],
            ["logs", "--since", "2000-01-01T00:00:00Z", "--tail", "all", "logger"],
            ["logs", "-f", "logger"],
        })
        {
            var ours = (await engine.SystemDockerAsync(args)).Ok();
            var docker = (await engine.DockerAsync(args)).Ok();
            Assert.Equal(docker.Output, ours.Output);
            Assert.Equal(docker.Error, ours.Error);
        }
        Assert.Equal("out1\nout2\nout3\nout4\n", (await engine.SystemDockerAsync("logs", "logger")).Output);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z out1\n", (await engine.SystemDockerAsync("logs", "-t", "logger")).Output);
        Assert.Equal("", (await engine.SystemDockerAsync("logs", "--since", "2999-01-01T00:00:00Z", "logger")).Output);
        (await engine.SystemDockerAsync("rm", "logger")).Ok();
    }

    [Fact]
    public async Task Start_stop_restart_rm_act_and_echo_their_arguments()
    {
        var id = (await engine.SystemDockerAsync("run", "-d", "--name", "cycle", "busybox:test", "sleep", "600")).Ok().Output.Trim();
        Assert.Equal("cycle\n", (await engine.SystemDockerAsync("stop", "-t", "1", "cycle")).Ok().Output);
        Assert.Equal("exited", await StatusAsync("cycle"));
        Assert.Equal(id[..12] + "\n", (await engine.SystemDockerAsync("start", id[..12])).Ok().Output);
        Assert.Equal("running", await StatusAsync("cycle"));
        var started = await FieldAsync("cycle", "{{.State.StartedAt}}");
        Assert.Equal("cycle\n", (await engine.SystemDockerAsync("restart", "--time", "0", "cycle")).Ok().Output);
        Assert.Equal("running", await StatusAsync("cycle"));
        Assert.NotEqual(started, await FieldAsync("cycle", "{{.State.StartedAt}}"));

        var refused = await engine.SystemDockerAsync("rm", "cycle");
        Assert.Equal(1, refused.Exit);
        Assert.StartsWith("Error response from daemon: You cannot remove a running container", refused.Error, StringComparison.Ordinal);
        // Several names: each is done or reported, exit 1 when one failed.
        var mixed = await engine.SystemDockerAsync("rm", "-f", "-v", "cycle", "no-such-container");
        Assert.Equal(1, mixed.Exit);
        Assert.Equal("cycle\n", mixed.Output);
        Assert.Equal("Error response from daemon: No such container: no-such-container\n", mixed.Error);
        Assert.Equal("", (await engine.SystemDockerAsync("ps", "-aq", "--filter", "name=cycle")).Output);
    }

    [Fact]
    public async Task Inspect_prints_docker_s_json_array_and_templates()
    {
        (await engine.SystemDockerAsync("run", "--name", "inspected", "-e", "K=v", "-l", "x=y", "busybox:test", "true")).Ok();
        var ours = (await engine.SystemDockerAsync("inspect", "inspected", "busybox:test")).Ok().Output;
        var docker = (await engine.DockerAsync("inspect", "inspected", "busybox:test")).Ok().Output;
        Assert.StartsWith("[\n    {\n        \"Id\": \"", ours, StringComparison.Ordinal);
        using (var a = JsonDocument.Parse(ours))
        using (var b = JsonDocument.Parse(docker))
        {
            Assert.True(JsonElement.DeepEquals(a.RootElement, b.RootElement), "inspect differs from docker's");
        }
        Assert.Equal(docker.Split('\n').Length, ours.Split('\n').Length);

        foreach (var template in new[]
        {
            "{{.State.Status}} {{.Id}} {{.Name}}",
            "{{json .Config.Env}} {{.Config.Env}}",
            "{{.State.ExitCode}} {{.State.Running}} {{.HostConfig.Privileged}}",
            "{{index .Config.Labels \"x\"}}",
            "{{.Config.Labels}}",
            "{{.Config.Cmd | json}}",
            "{{upper .State.Status}}\t{{len .Config.Env}}",
        })
        {
            var ourLine = (await engine.SystemDockerAsync("inspect", "-f", template, "inspected")).Ok().Output;
            var dockerLine = (await engine.DockerAsync("inspect", "-f", template, "inspected")).Ok().Output;
            if (template.StartsWith("{{json", StringComparison.Ordinal))
            {
                using var x = JsonDocument.Parse(ourLine.Split(' ')[0]);
                using var y = JsonDocument.Parse(dockerLine.Split(' ')[0]);
                Assert.True(JsonElement.DeepEquals(x.RootElement, y.RootElement), template);
            }
            else
            {
                Assert.Equal(dockerLine, ourLine);
            }
        }
        using (var config = JsonDocument.Parse((await engine.SystemDockerAsync("inspect", "-f", "{{json .Config}}", "inspected")).Ok().Output))
        {
            Assert.Equal("busybox:test", config.RootElement.GetProperty("Image").GetString());
        }
        Assert.Equal("exited\ncontainer\n", (await engine.SystemDockerAsync("inspect", "--format", "{{.State.Status}}\n{{\"container\"}}", "--type", "container", "inspected")).Ok().Output);
        var image = await engine.SystemDockerAsync("inspect", "--type", "image", "-f", "{{.Id}}", "inspected");
        Assert.Equal(1, image.Exit);
        Assert.Equal("Error: No such image: inspected\n", image.Error);
        (await engine.SystemDockerAsync("rm", "inspected")).Ok();
    }

    private async Task<string> StatusAsync(string name) => await FieldAsync(name, "{{.State.Status}}");

    private async Task<string> FieldAsync(string name, string template) => (await engine.SystemDockerAsync("inspect", "-f", template, name)).Ok().Output.Trim();

    private async Task<string[]> EnvAsync(string container)
    {
        using var env = JsonDocument.Parse((await engine.DockerAsync("inspect", "-f", "{{json .Config.Env}}", container)).Ok().Output);
        return env.RootElement.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }
}
