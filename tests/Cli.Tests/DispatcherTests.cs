namespace CorralOS.Cli.Tests;

public class DispatcherTests
{
    private static (int Exit, string Output, string Error) Run(string argv0, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Dispatcher.Run(argv0, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static TheoryData<string> AppletNames() => new(Dispatcher.Applets.Where(a => a.OwnName).Select(a => a.Name));

    public static TheoryData<string> RosOnlyCommands() => new(Dispatcher.Applets.Where(a => !a.OwnName).Select(a => a.Name));

    [Theory]
    [MemberData(nameof(AppletNames))]
    public void Every_applet_has_help_under_its_own_name_and_under_ros(string name)
    {
        var own = Run("/usr/bin/" + name, "--help");
        Assert.Equal(0, own.Exit);
        Assert.Contains("Usage:", own.Output, StringComparison.Ordinal);
        Assert.Contains(Dispatcher.Find(name)!.Summary, own.Output, StringComparison.Ordinal);

        var sub = Run("ros", name, "--help");
        Assert.Equal(0, sub.Exit);
        Assert.Contains($"ros {name}", sub.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AppletNames))]
    public void Every_applet_prints_the_product_version(string name)
    {
        Assert.Equal($"CorralOS {ProductVersion.Value}", Run(name, "--version").Output.Trim());
        Assert.Equal($"CorralOS {ProductVersion.Value}", Run("ros", name, "--version").Output.Trim());
    }

    [Theory]
    [MemberData(nameof(RosOnlyCommands))]
    public void Ros_only_commands_have_help_under_ros_and_are_not_program_names(string name)
    {
        var sub = Run("ros", name, "--help");
        Assert.Equal(0, sub.Exit);
        Assert.Contains($"ros {name}", sub.Output, StringComparison.Ordinal);
        Assert.Null(Dispatcher.Find(name));
        // Called by that name, the binary is plain `ros`.
        Assert.Contains("Usage:\n  ros [command]", Run("/usr/bin/" + name, "--help").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Os_version_prints_the_product_version() =>
        Assert.Equal(ProductVersion.Value + "\n", Run("ros", "os", "version").Output);

    [Fact]
    public void Os_persistence_prints_the_persistent_directories_and_this_boot()
    {
        var (exit, output, _) = Run("ros", "os", "persistence");
        Assert.Equal(0, exit);
        foreach (var directory in new[] { "/home", "/opt", "/var/lib/rancher", "/var/lib/docker", "/var/lib/containers", "/var/log", "/var/lib/system-docker/volumes" })
        {
            Assert.Contains($"\n  {directory}\n", output, StringComparison.Ordinal);
        }
        Assert.Contains("This boot: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Os_persistence_tells_a_state_disk_from_RAM()
    {
        Assert.Equal(
            "This boot: state disk /dev/vda (ext4) mounted at /state.",
            Applets.OsCommand.DescribeState([new("/dev/vda", "/state", "ext4", "rw"), new("/dev/vda", "/home", "ext4", "rw")]));
        Assert.Equal(
            "This boot: no state disk; running from RAM, nothing persists.",
            Applets.OsCommand.DescribeState([new("rootfs", "/", "rootfs", "rw")]));
        // In the console container: no /state, but /home is bound in from the state disk.
        Assert.Equal(
            "This boot: state disk /dev/vda (ext4), seen at /home.",
            Applets.OsCommand.DescribeState([new("overlay", "/", "overlay", "rw"), new("/dev/vda", "/home", "ext4", "rw"), new("tmpfs", "/run", "tmpfs", "rw")]));
    }

    [Fact]
    public void The_version_comes_from_the_VERSION_file() => Assert.Equal(Testing.RepoPaths.Version, ProductVersion.Value);

    [Fact]
    public void Ros_lists_every_applet_in_help_and_for_the_image_build()
    {
        var help = Run("ros", "--help").Output;
        var list = Run("ros", "--list-applets").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Dispatcher.Applets.Where(a => a.OwnName).Select(a => a.Name), list);
        Assert.All(list, name => Assert.Contains(name, help, StringComparison.Ordinal));
        Assert.DoesNotContain("--list-applets", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "bogus" }, "ros: Unrecognized command or argument 'bogus'")]
    [InlineData(new string[0], "ros: a command is required")]
    [InlineData(new[] { "poweroff", "--nope" }, "ros: Unrecognized command or argument '--nope'")]
    [InlineData(new[] { "shutdown", "-r", "+5" }, "ros: time '+5' is not supported; use 'now' or '+0'")]
    [InlineData(new[] { "shutdown", "-r", "-H" }, "ros: choose one of -r, -H, -P/-h")]
    public void Errors_are_one_line_on_stderr_with_a_non_zero_exit(string[] args, string expected)
    {
        var (exit, output, error) = Run("ros", args);
        Assert.NotEqual(0, exit);
        Assert.Empty(output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_refuses_to_run_unless_it_is_pid_1()
    {
        var (exit, _, error) = Run("/init", "cc.hostname=x");
        Assert.Equal(1, exit);
        Assert.Equal("init: init must run as PID 1 (the kernel starts it as /init)", error.Trim());
    }

    [Fact]
    public void Poweroff_without_force_refuses_when_pid_1_is_not_corralos_init()
    {
        // Here PID 1 is the machine's own init; sending it our signal would do something else.
        var (exit, _, error) = Run("poweroff");
        Assert.Equal(1, exit);
        Assert.Contains("not CorralOS init; use -f to force", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Shutdown_h_means_power_off_not_help()
    {
        var (_, output, error) = Run("shutdown", "-h", "now");
        Assert.DoesNotContain("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("not CorralOS init", error, StringComparison.Ordinal);
    }
}
