using System.Diagnostics;
using CorralOS.Config;

namespace CorralOS.Cli.Tests;

/// <summary>
/// `ros config` as the image runs it: the NativeAOT dist/ros (so the static YAML context is exercised without
/// reflection), in separate processes (so the lock and the atomic rename are tested across processes).
/// </summary>
public sealed class PublishedConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-ros-config-aot-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ConfDirectory => Path.Combine(_root, "var/lib/rancher/conf");

    private string CloudConfig => Path.Combine(ConfDirectory, "cloud-config.yml");

    private Process Start(int pauseMilliseconds, params string[] args)
    {
        var info = new ProcessStartInfo(Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.Environment[ConfigPaths.RootVariable] = _root;
        if (pauseMilliseconds > 0)
        {
            info.Environment[CloudConfigStore.PauseBeforeRenameVariable] = pauseMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        info.ArgumentList.Add("config");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private (int Exit, string Output, string Error) Ros(params string[] args) => RosWithInput(null, args);

    private (int Exit, string Output, string Error) RosWithInput(string? input, params string[] args)
    {
        using var process = Start(0, args);
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "ros config did not finish in 30 s");
        return (process.ExitCode, output.Result, error);
    }

    [Fact]
    public void Get_set_merge_and_validate_work_in_the_aot_binary()
    {
        Assert.Equal((0, "", ""), Ros("set", "rancher.network.interfaces.eth0.mtu", "9000"));
        Assert.Equal((0, "", ""), Ros("set", "rancher.modules", "[a,b]"));
        Assert.Equal((0, "9000\n", ""), Ros("get", "rancher.network.interfaces.eth0.mtu"));
        Assert.Equal((0, "- a\n- b\n", ""), Ros("get", "rancher.modules"));
        Assert.Equal((0, "60\n", ""), Ros("get", "rancher.shutdown_timeout"));
        Assert.Equal((0, "", ""), RosWithInput("rancher: {console: alpine}\n", "merge"));
        Assert.Equal((0, "alpine\n", ""), Ros("get", "rancher.console"));

        var bad = RosWithInput("rancher:\n  debug: maybe\n  bogus: 1\nusers: [{name: a, lock_passwd: 3}]\n", "validate");
        Assert.Equal(1, bad.Exit);
        Assert.Equal(
            "<stdin>:2:10: rancher.debug: expected a boolean, got string \"maybe\"\n<stdin>:3:3: rancher.bogus: unknown key\n<stdin>:4:32: users[0].lock_passwd: expected a boolean, got integer 3\n",
            bad.Error);

        var refused = Ros("set", "rancher.shutdown_timeout", "[1]");
        Assert.Equal(1, refused.Exit);
        Assert.Equal($"{CloudConfig}: rancher.shutdown_timeout: expected an integer, got a list\n", refused.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CloudConfig));
    }

    [Fact]
    public void Concurrent_sets_from_many_processes_lose_no_update()
    {
        // Each writer holds the lock for 150 ms between reading and renaming: without the lock they would all read
        // the same file and only the last rename would survive.
        const int Writers = 8;
        var processes = Enumerable.Range(0, Writers).Select(i => Start(150, "set", $"rancher.environment.K{i}", $"v{i}")).ToList();
        foreach (var process in processes)
        {
            process.StandardInput.Close();
            Assert.True(process.WaitForExit(60_000), "a writer did not finish");
            Assert.Equal("", process.StandardError.ReadToEnd());
            Assert.Equal(0, process.ExitCode);
            process.Dispose();
        }

        for (var i = 0; i < Writers; i++)
        {
            Assert.Equal($"v{i}\n", Ros("get", $"rancher.environment.K{i}").Output);
        }
    }

    [Fact]
    public void A_writer_killed_before_its_rename_leaves_the_previous_file_valid()
    {
        Assert.Equal(0, Ros("set", "hostname", "before").Exit);
        var before = File.ReadAllText(CloudConfig);

        using (var writer = Start(60_000, "set", "hostname", "after"))
        {
            var temporary = Path.Combine(ConfDirectory, $".cloud-config.yml.tmp-{writer.Id}");
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(temporary) || new FileInfo(temporary).Length == 0)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the writer never wrote its temporary file");
                Thread.Sleep(20);
            }
            writer.Kill();
            writer.WaitForExit();
        }

        Assert.Equal(before, File.ReadAllText(CloudConfig));
        Assert.Equal((0, "", ""), Ros("validate", "-i", CloudConfig));
        Assert.Equal((0, "before\n", ""), Ros("get", "hostname"));

        // The lock died with the writer; the next one gets it and clears the leftover.
        Assert.Equal((0, "", ""), Ros("set", "hostname", "later"));
        Assert.Equal((0, "later\n", ""), Ros("get", "hostname"));
        Assert.Equal(["cloud-config.yml"], Directory.GetFiles(ConfDirectory).Select(Path.GetFileName).Where(n => !n!.EndsWith(".lock", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_user_who_may_not_read_cloud_config_is_told_so_instead_of_getting_nothing()
    {
        Assert.Equal(0, Ros("set", "hostname", "secret-host").Exit);
        // Everything on the way may be searched by others; cloud-config.yml itself stays 0600 root, as in the image.
        for (var directory = ConfDirectory; directory.Length >= _root.Length; directory = Path.GetDirectoryName(directory)!)
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(CloudConfig));

        var info = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros), "config", "get", "hostname"])
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment[ConfigPaths.RootVariable] = _root;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "ros config get did not finish in 30 s");

        Assert.Equal((1, "", $"config: cannot read {CloudConfig}: permission denied (run it as root, e.g. with sudo)\n"), (process.ExitCode, await output, error));
        Assert.Equal((0, "secret-host\n", ""), Ros("get", "hostname"));
    }
}
