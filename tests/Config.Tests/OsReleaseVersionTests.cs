namespace CorralOS.Config.Tests;

// The running version comes from the os-release the build writes (build/common.sh write_os_release), so one ros binary
// can be a second version (build/upgrade-os.sh); the end-to-end proof is UpgradeEndToEndTests' `ros os version`.
public sealed class OsReleaseVersionTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("NAME=\"CorralOS\"\nID=corralos\nVERSION=0.1.0-b\nVERSION_ID=0.1.0-b\n", "0.1.0-b")]
    [InlineData("NAME=\"CorralOS\"\nVERSION=\"1.2.3 (rc)\"\n", "1.2.3 (rc)")]
    [InlineData("VERSION='4.5.6'\n", "4.5.6")]
    [InlineData("VERSION_ID=7.8.9\nNAME=x\n", null)]
    [InlineData("VERSION=\n", null)]
    public void VERSION_is_read_unquoted(string text, string? expected) =>
        Assert.Equal(expected, OsReleaseVersion.Read(_root.Write("usr/share/ros/os-release", text)));

    [Fact]
    public void An_absent_file_has_no_version() =>
        Assert.Null(OsReleaseVersion.Read(Path.Combine(_root.Path, "none")));

    [Fact]
    public void Off_a_CorralOS_root_the_running_version_is_the_compiled_one()
    {
        Assert.False(File.Exists(SystemEnvironment.OsReleaseFile), "this host has " + SystemEnvironment.OsReleaseFile);
        Assert.Equal(SystemEnvironment.CompiledVersion, SystemEnvironment.Version);
    }
}
