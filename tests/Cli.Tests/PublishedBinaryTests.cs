using System.Diagnostics;

namespace CorralOS.Cli.Tests;

/// <summary>The NativeAOT binary that goes into the image (dist/ros, built by make before the tests).</summary>
public sealed class PublishedBinaryTests : IDisposable
{
    private readonly string _links = Directory.CreateTempSubdirectory("corralos-ros-").FullName;

    public void Dispose() => Directory.Delete(_links, recursive: true);

    private static string Binary() => Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros);

    private static (int Exit, string Output, string Error) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    [Theory]
    [InlineData("poweroff")]
    [InlineData("reboot")]
    [InlineData("halt")]
    [InlineData("shutdown")]
    [InlineData("init")]
    public void A_symlink_named_after_an_applet_runs_that_applet(string name)
    {
        var link = Path.Combine(_links, name);
        File.CreateSymbolicLink(link, Binary());

        var (exit, output, _) = Run(link, "--help");

        Assert.Equal(0, exit);
        Assert.Contains($"Usage:\n  {name} ", output, StringComparison.Ordinal);
        Assert.Equal($"CorralOS {ProductVersion.Value}\n", Run(link, "--version").Output);
    }

    /// <summary>
    /// The runtime's string-hash seed comes from getrandom(GRND_INSECURE) (HashSeedRandom), not /dev/urandom, whose first
    /// read before the kernel's pool is ready waits ~1 s for it at boot. Here /dev/urandom is a FIFO nobody writes to,
    /// in a mount namespace of the test's own: a ros that opened it would hang until killed.
    /// </summary>
    [Fact]
    public void Ros_starts_without_opening_dev_urandom()
    {
        var fifo = Path.Combine(_links, "urandom");
        var script = $"mkfifo {fifo} && mount --bind {fifo} /dev/urandom && exec timeout 60 \"$0\" config get rancher.console";
        var (exit, output, error) = Run("unshare", "--mount", "--propagation", "private", "sh", "-c", script, Binary());
        Assert.True(exit == 0, $"exit {exit} (124: it hung opening /dev/urandom): {error}");
        Assert.Equal("default\n", output);
    }

    [Fact]
    public void Ros_dispatches_on_its_first_argument()
    {
        var (exit, output, _) = Run(Binary(), "halt", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("ros halt [options]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_one_line_and_exit_non_zero()
    {
        var (exit, output, error) = Run(Binary(), "no-such-applet");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal("ros: Unrecognized command or argument 'no-such-applet'. (see 'ros --help')\n", error);
    }

    [Fact]
    public void It_runs_with_standard_streams_closed_as_the_kernel_starts_modprobe()
    {
        var (exit, output, error) = Run("/bin/sh", "-c", "\"$0\" --version <&- >&- 2>&-; echo \"exit=$?\"", Binary());
        Assert.Equal(0, exit);
        Assert.Equal("exit=0\n", output);
        Assert.Empty(error);
    }
}
