namespace CorralOS.Install;

/// <summary>
/// GRUB for both firmwares, made with grub-mkimage like the ISO's (build/iso.sh): every module the menu needs is built
/// into the image, and its embedded config finds the boot filesystem by UUID and reads /boot/grub/grub.cfg there, so
/// no module directory is installed. BIOS: grub-bios-setup writes boot.img into the MBR and the core image into the BIOS
/// boot partition (GPT) or the gap before the first partition (MBR). UEFI: the image is the removable-media loader
/// EFI/BOOT/BOOTX64.EFI on the ESP (no NVRAM entry), so firmware finds it by itself.
/// </summary>
public sealed class Grub(string libDirectory = "/usr/lib/grub", string mkimage = "grub-mkimage")
{
    private static readonly string[] s_modules =
    [
        "normal", "configfile", "search", "search_fs_uuid", "search_label", "ext2", "fat", "part_gpt", "part_msdos",
        "linux", "echo", "test", "serial", "terminal", "sleep", "reboot", "halt", "ls", "cat", "loadenv",
    ];

    /// <summary>The config built into the image: where the boot filesystem is.</summary>
    public static string EmbeddedConfig(string bootUuid) =>
        $"search --no-floppy --fs-uuid --set=root {bootUuid}\nset prefix=($root)/boot/grub\n";

    /// <summary>
    /// <paramref name="images"/> is a directory on the boot filesystem (/boot/grub/i386-pc, mounted): grub-bios-setup
    /// reads boot.img and core.img there and probes which filesystem holds them.
    /// </summary>
    public void InstallBios(TargetDisk disk, string bootUuid, string images)
    {
        var platform = Path.Combine(libDirectory, "i386-pc");
        MakeImage("i386-pc", Path.Combine(images, "core.img"), bootUuid, images, "biosdisk");
        File.Copy(Path.Combine(platform, "boot.img"), Path.Combine(images, "boot.img"), overwrite: true);
        Tool.Run(Path.Combine(platform, "grub-bios-setup"),
            ["--directory", images, "--boot-image", "boot.img", "--core-image", "core.img", "--device-map", Path.Combine(images, "device.map"), disk.Device]);
    }

    /// <summary><paramref name="espRoot"/> is the mounted ESP; the image goes to its removable-media path.</summary>
    public void InstallEfi(string espRoot, string bootUuid, string work)
    {
        var image = MakeImage("x86_64-efi", Path.Combine(work, "BOOTX64.EFI"), bootUuid, work, "efi_gop", "efi_uga", "all_video");
        var target = Path.Combine(espRoot, "EFI", "BOOT");
        Directory.CreateDirectory(target);
        using (var input = File.OpenRead(image))
        using (var output = new FileStream(Path.Combine(target, "BOOTX64.EFI"), FileMode.Create, FileAccess.Write))
        {
            input.CopyTo(output);
            output.Flush(flushToDisk: true);
        }
    }

    private string MakeImage(string format, string output, string bootUuid, string work, params string[] platformModules)
    {
        var config = Path.Combine(work, "embed.cfg");
        File.WriteAllText(config, EmbeddedConfig(bootUuid));
        Tool.Run(mkimage,
        [
            "-O", format, "-d", Path.Combine(libDirectory, format), "-p", "/boot/grub", "-c", config, "-o", output,
            .. s_modules, .. platformModules,
        ]);
        return output;
    }
}
