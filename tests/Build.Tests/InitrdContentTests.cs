using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Build.Tests;

/// <summary>What dist/initrd (the artifact `make` built) holds: the files PID 1 and containers need to boot.</summary>
public sealed partial class InitrdContentTests : IAsyncLifetime
{
    private static readonly string[] s_libraryDirectories = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib64", "lib", "usr/lib"];

    private readonly string _tree = Directory.CreateTempSubdirectory("corralos-initrd-").FullName;
    private Dictionary<string, Entry> _entries = [];

    private sealed record Entry(string Mode, string Owner, string Group, string SizeOrDevice, string Date, string? LinkTarget);

    public async ValueTask InitializeAsync()
    {
        var initrd = Shell.Quote(BuildPaths.Initrd);
        // The initrd is one compressed cpio; the magic says which decompressor (lz4's legacy frame, zstd or gzip).
        const string Decompress = "case $(od -An -tx1 -N4 \"$I\" | tr -d ' ') in 02214c18) lz4 -qdc \"$I\";; 28b52ffd) zstd -qdc \"$I\";; 1f8b*) gzip -dc \"$I\";; *) echo \"unknown compression\" >&2; exit 1;; esac";
        var listing = await Shell.RunAsync($"I={initrd}; {Decompress} | LC_ALL=C cpio -tv --quiet");
        await Shell.RunAsync($"I={initrd}; {Decompress} | cpio -id --quiet --no-absolute-filenames", workingDirectory: _tree);
        _entries = Parse(listing);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_tree, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public void Holds_init_ros_busybox_crun_the_kernels_modprobe_and_the_ca_bundle()
    {
        Assert.Equal("usr/bin/ros", Link("init"));
        AssertRegularExecutable("usr/bin/ros");
        AssertRegularExecutable("bin/busybox");
        AssertRegularExecutable("usr/bin/crun");
        Assert.Equal("busybox", Link("bin/sh"));
        Assert.Equal("../usr/bin/ros", Link("sbin/poweroff"));
        // The kernel's request_module helper: busybox answers a miss in milliseconds, a `ros` start takes ~0.1 s.
        Assert.Equal("../bin/busybox", Link("sbin/modprobe"));

        var bundle = File.ReadAllText(Path.Combine(_tree, "etc/ssl/certs/ca-certificates.crt"));
        Assert.True(Regex.Count(bundle, "-----BEGIN CERTIFICATE-----") > 100, "the CA bundle holds fewer than 100 certificates");
        Assert.Contains("ID=corralos", File.ReadAllText(Path.Combine(_tree, "etc/os-release")), StringComparison.Ordinal);
        Assert.Contains("rancher:x:1100:1100:", File.ReadAllText(Path.Combine(_tree, "etc/passwd")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ships_the_boot_system_images_extracted_in_an_erofs_in_the_engine_store_layout_and_not_os_docker()
    {
        // The images every boot runs: an erofs in the store layout (each layer extracted, no layer blobs), which PID 1
        // mounts and links into the engine's empty RAM store; the index names it by UUID with its images.
        var index = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_tree, "usr/share/ros/initrd-images.json"))).RootElement;
        var listed = index.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToList();
        var file = Path.Combine(_tree, "usr/share/ros/initrd-images");
        var probed = await Shell.RunAsync($"blkid -p -o export {Shell.Quote(file)}", cancellation: TestContext.Current.CancellationToken);
        Assert.Contains("TYPE=erofs", probed, StringComparison.Ordinal);
        Assert.Contains($"UUID={index.GetProperty("uuid").GetString()}", probed, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_tree, "var/lib/system-docker/image")), "the engine's store in the initrd is no longer prefilled");

        var mounted = Directory.CreateTempSubdirectory("corralos-initrd-images-").FullName;
        await Shell.RunAsync($"mount -t erofs -o loop,ro {Shell.Quote(file)} {Shell.Quote(mounted)}", cancellation: TestContext.Current.CancellationToken);
        try
        {
            var store = Path.Combine(mounted, "image");
            var refs = File.ReadAllText(Path.Combine(store, "repositories.json"));
            foreach (var name in (string[])["os-base", "os-console", "os-network", "os-ntp", "os-udev"])
            {
                Assert.Contains($"corralos/{name}:", refs, StringComparison.Ordinal);
                Assert.Contains($"docker.io/corralos/{name}:{RepoPaths.Version}", listed);
            }
            Assert.DoesNotContain("corralos/os-docker:", refs, StringComparison.Ordinal);
            var records = Directory.GetFiles(Path.Combine(store, "images/sha256"), "*.json");
            Assert.NotEmpty(records);
            foreach (var record in records)
            {
                var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(record)).RootElement;
                Assert.True(File.Exists(Path.Combine(store, "blobs/sha256", json.GetProperty("Id").GetString()![7..])), $"{record}: config blob");
                foreach (var layer in json.GetProperty("Layers").EnumerateArray())
                {
                    var diff = layer.GetProperty("DiffId").GetString()![7..];
                    Assert.True(File.Exists(Path.Combine(store, "layers/sha256", diff, "layer.json")), $"{record}: layer {diff}");
                    Assert.True(Directory.Exists(Path.Combine(store, "layers/sha256", diff, "diff")), $"{record}: layer {diff} extracted");
                    Assert.False(File.Exists(Path.Combine(store, "blobs/sha256", layer.GetProperty("Blob").GetString()![7..])), $"{record}: layer blob kept");
                }
            }
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(store, "layers/sha256"), "busybox", SearchOption.AllDirectories));
        }
        finally
        {
            await Shell.RunAsync($"umount {Shell.Quote(mounted)} && rmdir {Shell.Quote(mounted)}", cancellation: TestContext.Current.CancellationToken);
        }
        // User Docker's image is not in the initrd: the system images file beside it holds it (next test).
        Assert.Empty(Directory.GetFiles(Path.Combine(_tree, "usr/share/ros/images")));
    }

    [Fact]
    public void Ships_os_config_compiled_from_its_own_bytes_into_the_same_tree()
    {
        var osConfig = Path.Combine(_tree, "usr/share/ros/os-config.yml");
        var yaml = File.ReadAllBytes(osConfig);

        var compiled = CorralOS.Config.CompiledOsConfig.TryRead(osConfig, yaml);

        Assert.NotNull(compiled);
        Assert.True(CorralOS.Config.ConfigTreeJson.SameTree(CorralOS.Config.YamlDocument.Parse(File.ReadAllText(osConfig), osConfig).Tree, compiled));
        Assert.StartsWith("-rw-r--r--", _entries["usr/share/ros/os-config.json"].Mode, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_plain_only_the_modules_that_mounting_the_modules_image_needs()
    {
        var release = Assert.Single(Directory.GetDirectories(Path.Combine(_tree, "lib/modules")));
        var plain = Directory.GetFiles(Path.Combine(release, "kernel"), "*.ko", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["crc32c-intel.ko", "crc32c_generic.ko", "erofs.ko", "libcrc32c.ko", "loop.ko"], plain);
    }

    [Fact]
    public async Task Names_the_system_images_file_beside_it_by_uuid_and_lists_os_docker_there()
    {
        var index = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_tree, "usr/share/ros/system-images.json"))).RootElement;
        Assert.Equal(RepoPaths.Version, index.GetProperty("version").GetString());
        Assert.Contains(index.GetProperty("images").EnumerateArray(), i => i.GetString()!.StartsWith("docker.io/corralos/os-docker:", StringComparison.Ordinal));
        var probed = await Shell.RunAsync($"blkid -p -o export {Shell.Quote(BuildPaths.SystemImages)}", cancellation: TestContext.Current.CancellationToken);
        Assert.Contains("TYPE=erofs", probed, StringComparison.Ordinal);
        Assert.Contains($"UUID={index.GetProperty("uuid").GetString()}", probed, StringComparison.Ordinal);
    }

    [Fact]
    public void Holds_dev_console_as_a_character_device_5_1()
    {
        Assert.True(_entries.TryGetValue("dev/console", out var console), "dev/console is not in the initrd: the kernel would start init without stdio");
        Assert.StartsWith("c", console.Mode, StringComparison.Ordinal);
        Assert.Equal("5,1", console.SizeOrDevice);
    }

    [Theory]
    [InlineData("dev/urandom", "1,9")]
    [InlineData("dev/null", "1,3")]
    public void Holds_the_devices_the_runtime_opens_before_devtmpfs_is_mounted(string path, string device)
    {
        Assert.True(_entries.TryGetValue(path, out var node), $"{path} is not in the initrd: PID 1's runtime would lose secure random numbers");
        Assert.StartsWith("c", node.Mode, StringComparison.Ordinal);
        Assert.Equal(device, node.SizeOrDevice);
    }

    [Fact]
    public void Every_entry_is_owned_by_root_with_one_timestamp()
    {
        Assert.All(_entries, e => Assert.True(e.Value.Owner == "root" && e.Value.Group == "root", $"{e.Key} is owned by {e.Value.Owner}:{e.Value.Group}"));
        Assert.Single(_entries.Values.Select(e => e.Date).Distinct());
    }

    [Fact]
    public async Task Holds_every_shared_library_ros_and_crun_need_including_the_loader()
    {
        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(["usr/bin/ros", "usr/bin/crun"]);
        while (queue.TryDequeue(out var elf))
        {
            if (!seen.Add(elf))
            {
                continue;
            }

            var headers = await Shell.RunAsync($"readelf -dlW {Shell.Quote(Path.Combine(_tree, elf))} 2>/dev/null || true", cancellation: TestContext.Current.CancellationToken);
            foreach (Match interpreter in InterpreterPattern().Matches(headers))
            {
                var path = Resolve(interpreter.Groups[1].Value.TrimStart('/'));
                if (path is null)
                {
                    missing.Add($"{interpreter.Groups[1].Value} (interpreter of /{elf})");
                }
                else
                {
                    queue.Enqueue(path);
                }
            }

            foreach (Match needed in NeededPattern().Matches(headers))
            {
                var soname = needed.Groups[1].Value;
                var path = s_libraryDirectories.Select(d => Resolve($"{d}/{soname}")).FirstOrDefault(p => p is not null);
                if (path is null)
                {
                    missing.Add($"{soname} (needed by /{elf})");
                }
                else
                {
                    queue.Enqueue(path);
                }
            }
        }

        Assert.Empty(missing);
        Assert.NotNull(Resolve("lib64/ld-linux-x86-64.so.2"));
        Assert.Contains(seen, p => p.EndsWith("/libc.so.6", StringComparison.Ordinal));
        Assert.Contains(seen, p => p.Contains("/libseccomp.so.2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Holds_virtio_blk_and_its_dependencies_uncompressed_with_text_indexes_in_the_modules_image()
    {
        // The whole tree is an erofs (usr/share/ros/modules) PID 1 mounts over the plain one, which keeps the same indexes.
        var plain = Assert.Single(Directory.GetDirectories(Path.Combine(_tree, "lib/modules")));
        var kernel = Directory.CreateTempSubdirectory("corralos-initrd-modules-").FullName;
        await Shell.RunAsync($"mount -t erofs -o loop,ro {Shell.Quote(Path.Combine(_tree, "usr/share/ros/modules"))} {Shell.Quote(kernel)}", cancellation: TestContext.Current.CancellationToken);
        try
        {
            var dep = File.ReadAllLines(Path.Combine(kernel, "modules.dep"));
            Assert.Equal(File.ReadAllLines(Path.Combine(plain, "modules.dep")), dep);
            // PID 1 reads the index once, from the plain tree, and goes on with it after mounting the image over it.
            foreach (var index in new[] { "modules.alias", "modules.softdep", "modules.builtin" })
            {
                Assert.Equal(File.ReadAllText(Path.Combine(plain, index)), File.ReadAllText(Path.Combine(kernel, index)));
            }
            var line = Assert.Single(dep, l => l.Split(':')[0].EndsWith("/virtio_blk.ko", StringComparison.Ordinal));
            var files = line.Replace(":", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(files, f => f.EndsWith("/virtio_ring.ko", StringComparison.Ordinal));
            Assert.All(files, f => Assert.True(File.Exists(Path.Combine(kernel, f)), $"{f} (virtio_blk or a dependency) is listed in modules.dep but not in the modules image"));

            // Every module modules.dep names is there, so PID 1 can load any listed module with its dependencies.
            var everyFile = dep.SelectMany(l => l.Replace(":", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct();
            Assert.All(everyFile, f => Assert.True(File.Exists(Path.Combine(kernel, f)), $"{f} is in modules.dep but not in the modules image"));
            foreach (var module in new[] { "virtio_pci", "virtio_net", "ahci", "sr_mod", "isofs", "ext4", "overlay", "bridge", "veth", "br_netfilter", "xt_MASQUERADE", "nf_nat" })
            {
                Assert.Contains(dep, l => l.Split(':')[0].EndsWith($"/{module}.ko", StringComparison.Ordinal));
            }

            var all = Directory.EnumerateFiles(kernel, "*", SearchOption.AllDirectories).ToList();
            Assert.DoesNotContain(all, f => f.EndsWith(".ko.xz", StringComparison.Ordinal) || f.EndsWith(".ko.zst", StringComparison.Ordinal) || f.EndsWith(".bin", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(kernel, "modules.alias")), "modules.alias is missing");
        }
        finally
        {
            await Shell.RunAsync($"umount {Shell.Quote(kernel)} && rmdir {Shell.Quote(kernel)}", cancellation: TestContext.Current.CancellationToken);
        }
    }

    private string Link(string path)
    {
        Assert.True(_entries.TryGetValue(path, out var entry), $"/{path} is not in the initrd");
        Assert.True(entry.LinkTarget is not null, $"/{path} is not a symlink ({entry.Mode})");
        return entry.LinkTarget!;
    }

    private void AssertRegularExecutable(string path)
    {
        Assert.True(_entries.TryGetValue(path, out var entry), $"/{path} is not in the initrd");
        Assert.True(entry.Mode.StartsWith('-') && entry.Mode[3] == 'x', $"/{path} is not an executable file ({entry.Mode})");
    }

    /// <summary>Follows symlinks inside the extracted tree (absolute ones relative to its root); null if the file is absent.</summary>
    private string? Resolve(string relative)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            if (!_entries.TryGetValue(relative, out var entry))
            {
                return null;
            }

            if (entry.LinkTarget is null)
            {
                return entry.Mode.StartsWith('-') ? relative : null;
            }

            var target = entry.LinkTarget.StartsWith('/')
                ? entry.LinkTarget.TrimStart('/')
                : Path.GetRelativePath("/", Path.GetFullPath(Path.Combine("/", Path.GetDirectoryName(relative) ?? "", entry.LinkTarget)));
            relative = target;
        }

        return null;
    }

    /// <summary>Parses `cpio -tv` lines: mode, links, owner, group, size (or "major, minor"), date (3 fields), name [-> target].</summary>
    private static Dictionary<string, Entry> Parse(string listing)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = ListingPattern().Match(line);
            Assert.True(match.Success, $"unexpected cpio listing line: {line}");
            var name = match.Groups["name"].Value;
            string? target = null;
            if (match.Groups["mode"].Value.StartsWith('l'))
            {
                var arrow = name.IndexOf(" -> ", StringComparison.Ordinal);
                target = name[(arrow + 4)..];
                name = name[..arrow];
            }

            entries[name] = new Entry(match.Groups["mode"].Value, match.Groups["owner"].Value, match.Groups["group"].Value,
                match.Groups["size"].Value.Replace(" ", "", StringComparison.Ordinal), match.Groups["date"].Value, target);
        }

        Assert.True(entries.Count > 100, $"the initrd lists only {entries.Count} entries");
        return entries;
    }

    [GeneratedRegex(@"^(?<mode>[-dlcbps][-rwxsStT]{9})\s+\d+\s+(?<owner>\S+)\s+(?<group>\S+)\s+(?<size>\d+,\s*\d+|\d+)\s+(?<date>\S+\s+\d+\s+[\d:]+)\s(?<name>.+)$")]
    private static partial Regex ListingPattern();

    [GeneratedRegex(@"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")]
    private static partial Regex NeededPattern();

    [GeneratedRegex(@"Requesting program interpreter: ([^\]]+)\]")]
    private static partial Regex InterpreterPattern();
}
