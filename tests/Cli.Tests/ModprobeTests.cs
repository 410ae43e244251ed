namespace CorralOS.Cli.Tests;

public sealed class ModprobeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-modprobe-").FullName;

    public ModprobeTests()
    {
        // A module tree for the running kernel's release, as `modprobe -d` expects.
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var dir = Directory.CreateDirectory(Path.Combine(_root, "lib/modules", release)).FullName;
        File.WriteAllText(Path.Combine(dir, "modules.dep"), """
            kernel/corral/corral_test_dep.ko:
            kernel/corral/corral-test-fs.ko: kernel/corral/corral_test_dep.ko
            """);
        File.WriteAllText(Path.Combine(dir, "modules.alias"), "alias fs-corraltest corral_test_fs\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Dispatcher.Run("/sbin/modprobe", ["-d", _root, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_kernels_request_form_resolves_an_alias_and_its_dependencies()
    {
        var (exit, output, _) = Run("-n", "-q", "--", "fs-corraltest", "opt=1");
        Assert.Equal(0, exit);
        var dir = Path.Combine(_root, "lib/modules", File.ReadAllText("/proc/sys/kernel/osrelease").Trim());
        Assert.Equal(
            $"insmod {dir}/kernel/corral/corral_test_dep.ko\ninsmod {dir}/kernel/corral/corral-test-fs.ko opt=1\n",
            output);
    }

    [Fact]
    public void A_missing_module_is_a_one_line_error_and_quiet_only_silences_it()
    {
        var loud = Run("-n", "no_such_module");
        Assert.Equal(1, loud.Exit);
        Assert.StartsWith("modprobe: module no_such_module not found in ", loud.Error, StringComparison.Ordinal);

        var quiet = Run("-n", "-q", "no_such_module");
        Assert.Equal(1, quiet.Exit);
        Assert.Empty(quiet.Error);
    }

    [Fact]
    public void All_loads_every_named_module()
    {
        var (exit, output, _) = Run("-n", "-a", "corral_test_dep", "corral-test-fs");
        Assert.Equal(0, exit);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Dockerds_verbose_all_form_loads_every_named_module()
    {
        // dockerd runs `modprobe -va bridge br_netfilter`.
        var (exit, output, error) = Run("-n", "-va", "corral_test_dep", "corral-test-fs");
        Assert.True(exit == 0, error);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
