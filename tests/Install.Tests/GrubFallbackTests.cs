using CorralOS.Init.Boot;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// GRUB itself runs the installed menu's boot counting (QEMU, OVMF, no CorralOS userland): a disk with version A
/// installed and B written by the upgrade code, both with the real kernel and an empty initrd, so each boot panics
/// and reboots (panic=10 in the menu). GRUB must boot B once, find the try used up on the next boot, record it as
/// abandoned in grubenv on the ext4 state and boot A by itself.
/// </summary>
public sealed class GrubFallbackTests : IDisposable
{
    private const long MiB = 1 << 20;
    private const long EspStart = 1 * MiB;
    private const long EspSize = 40 * MiB;
    private const long StateStart = EspStart + EspSize;
    private const long StateSize = 64 * MiB;

    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-grub-fallback-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_tried_version_that_never_reaches_started_is_abandoned_by_GRUB_and_the_default_boots()
    {
        var state = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        BootFiles.Write(state, Version("A"), "", new Progress(TextWriter.Null));
        BootUpgrade.Run(state, Version("B"), "A", kernelAppend: null, new Progress(TextWriter.Null));
        var disk = MakeDisk(state);

        await using var vm = await QemuVm.StartAsync(new QemuOptions
        {
            Name = "grub-fallback",
            Boot = BootMode.DiskUefi,
            DiskImage = disk,
            AllowReboot = true,
            Network = false,
            MemoryMiB = 512,
        }, TestContext.Current.CancellationToken);
        var tried = await vm.WaitForConsoleAsync("BOOT_IMAGE=/boot/vmlinuz-B ", TimeSpan.FromMinutes(10), cancellationToken: TestContext.Current.CancellationToken);
        var abandoned = await vm.WaitForConsoleAsync("CorralOS B did not reach started: booting A", TimeSpan.FromMinutes(10), tried.End, TestContext.Current.CancellationToken);
        await vm.WaitForConsoleAsync("BOOT_IMAGE=/boot/vmlinuz-A ", TimeSpan.FromMinutes(10), abandoned.End, TestContext.Current.CancellationToken);
        await vm.DisposeAsync();

        var grubenv = Path.Combine(_dir, "grubenv.out");
        var stateImage = Path.Combine(_dir, "state-after.img");
        CopyRange(disk, StateStart, StateSize, stateImage, 0);
        Tool.Run("debugfs", ["-R", $"dump /boot/grub/grubenv {grubenv}", stateImage]);
        Assert.Equal(new BootChoice("A", null, null, 0, "B"), BootChoice.From(GrubEnvironment.Read(grubenv)));
    }

    /// <summary>An OS image's version directory: the real kernel, an empty initrd (no /init: the kernel panics), the real menu template.</summary>
    private OsVersionFiles Version(string version)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "image-" + version)).FullName;
        File.WriteAllText(Path.Combine(directory, "files.list"), "vmlinuz\ninitrd\n");
        File.WriteAllText(Path.Combine(directory, "version"), version + "\n");
        File.Copy(RepoPaths.RequireFile(RepoPaths.Kernel), Path.Combine(directory, "vmlinuz"));
        Tool.Run("cpio", ["--quiet", "-o", "-H", "newc", "-F", Path.Combine(directory, "initrd")], input: "");
        File.Copy(Path.Combine(RepoPaths.Root, "images", "os", "grub.cfg"), Path.Combine(directory, "grub.cfg"));
        return OsVersionFiles.Read(directory);
    }

    /// <summary>GPT: an ESP with GRUB's EFI image (as the installer makes it) and the ext4 state holding /boot, built as files.</summary>
    private string MakeDisk(string stateRoot)
    {
        var uuid = Guid.NewGuid();
        var stateImage = Path.Combine(_dir, "state.img");
        Tool.Run("mkfs.ext4", ["-F", "-q", "-L", PartitionTable.StateLabel, "-U", uuid.ToString(), "-O", "^metadata_csum_seed,^orphan_file", "-d", stateRoot, stateImage, $"{StateSize / 1024}k"]);
        var esp = Directory.CreateDirectory(Path.Combine(_dir, "esp")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        new Grub().InstallEfi(esp, uuid.ToString(), work);
        var espImage = Path.Combine(_dir, "esp.img");
        Tool.Run("mkfs.fat", ["-C", espImage, (EspSize / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Tool.Run("mcopy", ["-s", "-i", espImage, Path.Combine(esp, "EFI"), "::/"]);

        var disk = Path.Combine(_dir, "disk.img");
        using (var file = File.Create(disk))
        {
            file.SetLength(StateStart + StateSize + MiB);
        }
        Tool.Run("sfdisk", ["--quiet", disk], input:
            $"label: gpt\nstart={EspStart / 512}, size={EspSize / 512}, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n" +
            $"start={StateStart / 512}, size={StateSize / 512}, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=\"{PartitionTable.StateLabel}\"\n");
        CopyRange(espImage, 0, EspSize, disk, EspStart);
        CopyRange(stateImage, 0, StateSize, disk, StateStart);
        return disk;
    }

    private static void CopyRange(string source, long from, long length, string target, long to)
    {
        using var input = File.OpenRead(source);
        using var output = new FileStream(target, FileMode.OpenOrCreate, FileAccess.Write);
        input.Position = from;
        output.Position = to;
        var buffer = new byte[MiB];
        while (length > 0)
        {
            var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            if (read == 0)
            {
                break;
            }
            output.Write(buffer, 0, read);
            length -= read;
        }
    }
}
