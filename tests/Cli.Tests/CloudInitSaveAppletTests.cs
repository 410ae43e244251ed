using CorralOS.CloudInit;
using CorralOS.Config;

namespace CorralOS.Cli.Tests;

/// <summary>`cloud-init-save` under its own name, on a temp root with a fake sysfs (so no real DMI adds a cloud source).</summary>
public sealed class CloudInitSaveAppletTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-cloud-init-save-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Dispatcher.Run("/usr/bin/cloud-init-save",
            ["--root", _root, "--sys", Path.Combine(_root, "sys"), "--mount-dir", Path.Combine(_root, "mnt"), .. args], output, error);
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
    public void The_configured_datasource_is_used_and_boot_yml_written()
    {
        var userData = Write("user-data.yml", "#cloud-config\nhostname: from-file\n");
        Write("var/lib/rancher/conf/cloud-config.yml", $"rancher:\n  cloud_init:\n    datasources: ['file:{userData}']\n");

        var (exit, output, error) = Run();

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var paths = new ConfigPaths(_root);
        Assert.Equal(
            $"cloud-init-save: datasource file:{userData}\ncloud-init-save: cloud-config, 0 SSH key(s)\n"
            + $"cloud-init-save: wrote {paths.BootConfig()}\ncloud-init-save: wrote {paths.Metadata}\n",
            output);
        Assert.Equal("from-file", new ConfigLoader(paths).Load().Tree["hostname"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.BootConfig()));
    }

    [Fact]
    public void No_datasource_is_not_an_error()
    {
        var (exit, output, error) = Run("-d", "nocloud", "--timeout", "0.2");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal("cloud-init-save: no datasource available within 0.2 s (tried nocloud); nothing saved\n", output);
    }

    [Fact]
    public void A_source_that_cannot_be_read_exits_1_with_one_line_per_problem()
    {
        Write("seed/meta-data", "local-hostname: [unclosed\n");

        var (exit, _, error) = Run("-d", $"nocloud:{_root}/seed", "-d", "frobnicate");

        Assert.Equal(1, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("cloud-init-save: datasource frobnicate: unknown datasource", lines[0]);
        Assert.Matches($@"^cloud-init-save: nocloud:{_root}/seed: meta-data:\d+:\d+: not valid YAML: .+; nothing saved$", lines[1]);
        Assert.False(File.Exists(new ConfigPaths(_root).Metadata));
    }
}
