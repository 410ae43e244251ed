using CorralOS.Engine.Tests;

namespace CorralOS.Services.Tests;

/// <summary>
/// `ros service` as the image runs it: the NativeAOT dist/ros (source-generated JSON and the YAML node parser without
/// reflection), in its own process, against the real engine.
/// </summary>
public sealed class PublishedRosServiceTests : IClassFixture<EngineFixture>, IDisposable
{
    private readonly EngineFixture _fixture;
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-ros-service-aot-").FullName;

    public PublishedRosServiceTests(EngineFixture fixture)
    {
        _fixture = fixture;
        Write("usr/share/ros/os-config.yml", "rancher:\n  services: {}\n  services_include: {}\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private Task<(int Exit, string Output, string Error)> Ros(params string[] args) =>
        TestEngine.RunAsync(Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros), ["service", "--root", _root, "-H", "unix://" + _fixture.Engine.Socket, .. args]);

    [Fact]
    public async Task A_local_service_is_enabled_brought_up_converged_and_listed_by_the_aot_binary()
    {
        Write("var/lib/rancher/conf/aot.yml", """
            aot-oneshot:
              image: busybox:test
              command: echo "from the aot binary"
              labels: {io.rancher.os.scope: system, io.rancher.os.detach: "false"}
            aot-daemon:
              image: busybox:test
              command: [sleep, "600"]
              labels: {io.rancher.os.scope: system, io.rancher.os.after: aot-oneshot}
            """);

        Assert.Equal((0, "", ""), await Ros("enable", "/var/lib/rancher/conf/aot.yml"));
        Assert.Equal((0, "enabled /var/lib/rancher/conf/aot.yml\n", ""), await Ros("list"));
        Assert.Equal((0, "aot-oneshot: created\naot-oneshot: started\naot-oneshot: exited 0\naot-daemon: created\naot-daemon: started\n", ""), await Ros("up"));
        Assert.Equal((0, "aot-daemon: up to date\n", ""), await Ros("up", "aot-daemon"));
        Assert.Equal((0, "from the aot binary\n", ""), await Ros("logs", "aot-oneshot"));
        var ps = await Ros("ps");
        Assert.Matches("\naot-oneshot +aot-oneshot +system +busybox:test +Exited \\(0\\)", ps.Output);
        Assert.Matches("\naot-daemon +aot-daemon +system +busybox:test +Up ", ps.Output);
        Assert.Equal((0, "aot-daemon: removed\naot-oneshot: removed\n", ""), await Ros("rm", "-f"));
    }
}
