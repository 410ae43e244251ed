using CorralOS.Init.Storage;
using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>
/// The install itself, run by the OS image's ros inside the installer container (<see cref="InstallerContainer"/>),
/// where Debian's tools are: check the disk, partition and format it (or find the noformat partitions), write the
/// version's files, the menu and the cloud-config, then GRUB for BIOS and UEFI.
/// </summary>
public sealed class Installer(Progress progress, Grub? grub = null, string mountRoot = "/run/install")
{
    private readonly Grub _grub = grub ?? new Grub();

    public void Run(InstallRequest request, OsVersionFiles os)
    {
        var disk = TargetDisk.Open(request.Device);
        disk.EnsureUnused();
        DiskLayout layout;
        if (request.Type == InstallType.NoFormat)
        {
            layout = ExistingPartitions.Find(disk);
            progress.Step($"using {layout.State} ({PartitionTable.StateLabel}){(layout.Boot != layout.State ? $" and {layout.Boot} ({ExistingPartitions.BootLabel})" : "")}; nothing is formatted");
        }
        else
        {
            progress.Step(request.Type == InstallType.Generic
                ? $"partitioning {disk.Device}: GPT, BIOS boot, EFI System, {PartitionTable.StateLabel}"
                : $"partitioning {disk.Device}: MBR, bootable {PartitionTable.StateLabel}");
            layout = PartitionTable.Write(disk, request.Type);
            if (layout.Esp is { } esp)
            {
                progress.Step($"formatting {esp} (vfat, {FileSystems.EspLabel})");
                FileSystems.MakeEsp(esp);
            }
            progress.Step($"formatting {layout.State} (ext4, {PartitionTable.StateLabel})");
            FileSystems.MakeState(layout.State, Guid.NewGuid());
        }

        var bootUuid = FileSystemProbe.Probe(layout.Boot)?.Uuid is { Length: > 0 } uuid
            ? uuid
            : throw new InstallException($"cannot read the filesystem UUID of {layout.Boot}");
        var work = Path.Combine(mountRoot, "work");
        Directory.CreateDirectory(work);
        using (var state = MountedFileSystem.Mount(layout.State, Path.Combine(mountRoot, "state")))
        using (var boot = layout.Boot == layout.State ? null : MountedFileSystem.Mount(layout.Boot, Path.Combine(mountRoot, "boot")))
        {
            BootFiles.Write(boot?.Path ?? state.Path, os, request.KernelAppend, progress);
            if (request.CloudConfig is { } config)
            {
                CloudConfigFile.Write(state.Path, config);
                progress.Step($"wrote the cloud-config to /{CloudConfigFile.RelativePath}");
            }
            if (layout.BiosBoot)
            {
                // grub-bios-setup finds the boot filesystem from where its images are, as grub-install keeps them.
                progress.Step($"installing GRUB for BIOS on {disk.Device}");
                var images = Path.Combine(boot?.Path ?? state.Path, "boot", "grub", "i386-pc");
                Directory.CreateDirectory(images);
                _grub.InstallBios(disk, bootUuid, images);
            }
        }
        if (layout.Esp is { } efi)
        {
            progress.Step($"installing GRUB for UEFI on {efi} (EFI/BOOT/BOOTX64.EFI)");
            using var esp = MountedFileSystem.Mount(efi, Path.Combine(mountRoot, "esp"));
            _grub.InstallEfi(esp.Path, bootUuid, work);
        }
        if (!layout.BiosBoot && layout.Esp is null)
        {
            progress.Step($"boot loader left as it is (noformat): it must load /boot/grub/grub.cfg from {layout.Boot}");
        }
        Power.Sync();
        progress.Step($"CorralOS {os.Version} installed on {disk.Device}");
    }
}
