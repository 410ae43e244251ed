using System.Text.Json;

namespace CorralOS.SystemDockerClient.Tests;

/// <summary>version, info, events, and `--help` of the applet and every command.</summary>
public sealed class SystemCommandTests(ClientEngine engine) : IClassFixture<ClientEngine>
{
    private static readonly string[] s_commands =
        ["ps", "images", "run", "exec", "logs", "start", "stop", "restart", "rm", "rmi", "inspect", "load", "save", "pull", "tag", "info", "version", "events"];

    public static TheoryData<string> Commands => new(s_commands);

    [Fact]
    public async Task Version_and_info_show_the_engine_as_docker_does()
    {
        foreach (var args in new[]
        {
            new[] { "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}} {{.Server.Os}}/{{.Server.Arch}}" },
            ["version", "-f", "{{json .Server.Version}} {{.Server.KernelVersion}} {{.Server.MinAPIVersion}}"],
            ["info", "--format", "{{.ServerVersion}} {{.Images}} {{.Driver}} {{.DockerRootDir}} {{.OSType}}"],
            ["info", "-f", "{{json .Name}} {{.NCPU}}"],
        })
        {
            Assert.Equal((await engine.DockerAsync(args)).Ok().Output, (await engine.SystemDockerAsync(args)).Ok().Output);
        }
        var version = (await engine.SystemDockerAsync("version")).Ok().Output;
        Assert.Contains("\nServer: CorralOS System Docker 0.0.0-test\n Engine:\n  Version:          0.0.0-test\n  API version:      1.41 (minimum version 1.24)\n", version, StringComparison.Ordinal);
        var dockerVersion = (await engine.DockerAsync("version")).Ok().Output;
        Assert.Equal(dockerVersion[dockerVersion.IndexOf("\nServer:", StringComparison.Ordinal)..], version[version.IndexOf("\nServer:", StringComparison.Ordinal)..]);
        var info = (await engine.SystemDockerAsync("info")).Ok().Output;
        var dockerInfo = (await engine.DockerAsync("info")).Ok().Output;
        foreach (var line in info.Split('\n').Where(l => l.StartsWith(' ') && !l.StartsWith(" Version:", StringComparison.Ordinal)))
        {
            Assert.Contains(line + "\n", dockerInfo, StringComparison.Ordinal);
        }
        Assert.Contains(" Server Version: 0.0.0-test\n", info, StringComparison.Ordinal);
        using var json = JsonDocument.Parse((await engine.SystemDockerAsync("info", "--format", "json")).Ok().Output);
        Assert.Equal("0.0.0-test", json.RootElement.GetProperty("ServerVersion").GetString());
    }

    [Fact]
    public async Task Events_print_docker_s_lines_with_since_until_filter_and_format()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        (await engine.SystemDockerAsync("run", "--rm", "--name", "evented", "busybox:test", "true")).Ok();
        (await engine.SystemDockerAsync("tag", "busybox:test", "evented:1")).Ok();
        (await engine.SystemDockerAsync("rmi", "evented:1")).Ok();
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        foreach (var args in new[]
        {
            new[] { "events", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture), "--until", until.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["events", "--since", "10m", "--until", "0s", "--filter", "type=image"],
            ["events", "--since", "10m", "--until", "0s", "--filter", "event=die", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}"],
            ["events", "--since", "10m", "--until", "0s", "-f", "container=evented", "--format", "{{.Status}} {{.From}}"],
        })
        {
            var ours = (await engine.SystemDockerAsync(args)).Ok().Output;
            Assert.Equal((await engine.DockerAsync(args)).Ok().Output, ours);
            Assert.NotEmpty(ours);
        }
        var lines = (await engine.SystemDockerAsync("events", "--since", "10m", "--until", "0s", "--filter", "container=evented")).Ok().Output;
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container die [0-9a-f]{64} \(exitCode=0, image=busybox:test, name=evented\)$", lines);
        var json = (await engine.SystemDockerAsync("events", "--since", "10m", "--until", "0s", "--filter", "event=tag", "--format", "json")).Ok().Output;
        using var tag = JsonDocument.Parse(json.Split('\n')[0]);
        Assert.Equal("tag", tag.RootElement.GetProperty("Action").GetString());
    }

    [Fact]
    public async Task Help_is_there_for_the_applet_and_every_command()
    {
        var help = (await engine.SystemDockerAsync("--help")).Ok().Output;
        Assert.Contains("A docker-compatible client for System Docker", help, StringComparison.Ordinal);
        foreach (var command in s_commands)
        {
            Assert.Contains($"  {command} ", help, StringComparison.Ordinal);
        }
        Assert.Contains("-H, --host", help, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help(string command)
    {
        var help = (await engine.SystemDockerAsync(command, "--help")).Ok().Output;
        Assert.Contains($"system-docker {command}", help, StringComparison.Ordinal);
        Assert.Contains("Usage:", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_comes_from_the_flag_before_the_environment()
    {
        var result = await engine.RunAsync(ClientEngine.Ros, ["system-docker", "-H", engine.Host, "version", "--format", "{{.Server.Version}}"], null,
            new Dictionary<string, string> { ["SYSTEM_DOCKER_HOST"] = "unix:///nonexistent.sock" });
        Assert.Equal("0.0.0-test\n", result.Ok().Output);
        result = await engine.RunAsync(ClientEngine.Ros, ["system-docker", "ps", "--host", engine.Host, "-q"], null,
            new Dictionary<string, string> { ["SYSTEM_DOCKER_HOST"] = "unix:///nonexistent.sock" });
        result.Ok();
    }
}
