namespace CorralOS.Network.Tests;

/// <summary>The applet's command line, through the ros binary.</summary>
public sealed class NetconfAppletTests
{
    [Fact]
    public void Help_lists_the_daemon_mode_and_the_file_options()
    {
        var result = Tool.Run(Path.Combine(AppContext.BaseDirectory, "ros"), "netconf", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in (string[])["--daemon", "--resolv-conf", "--hosts", "--proxy-env", "--dhcpcd", "--no-kernel-hostname"])
        {
            Assert.Contains(option, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ros_lists_netconf_among_the_names_it_answers_to()
    {
        var result = Tool.Run(Path.Combine(AppContext.BaseDirectory, "ros"), "--list-applets");

        Assert.Contains("netconf\n", result.Output, StringComparison.Ordinal);
    }
}
