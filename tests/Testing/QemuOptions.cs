namespace CorralOS.Testing;

/// <summary>How the guest is booted.</summary>
public enum BootMode
{
    /// <summary>dist/corralos.iso as a CD-ROM, SeaBIOS firmware (legacy BIOS, GRUB i386-pc).</summary>
    IsoBios,

    /// <summary>dist/corralos.iso as a CD-ROM, Debian's OVMF firmware (UEFI, GRUB x86_64-efi).</summary>
    IsoUefi,

    /// <summary>
    /// QEMU loads dist/vmlinuz + dist/initrd itself; <see cref="QemuOptions.ExtraCmdline"/> is appended. dist/system-images
    /// is attached as the last virtio disk (PID 1 finds it by its UUID), as an ISO or installed disk carries it in /boot.
    /// </summary>
    DirectKernel,

    /// <summary>The firmware boots <see cref="QemuOptions.DiskImage"/> (an installed disk), SeaBIOS.</summary>
    DiskBios,

    /// <summary>The firmware boots <see cref="QemuOptions.DiskImage"/> (an installed disk), OVMF (fresh variables: the removable-media path).</summary>
    DiskUefi,
}

/// <summary>Which OVMF build a UEFI boot uses.</summary>
public enum UefiFirmware
{
    /// <summary>OVMF_CODE_4M.fd read-only + a per-VM copy of OVMF_VARS_4M.fd on two pflash drives (what libvirt does).</summary>
    Pflash,

    /// <summary>The combined /usr/share/ovmf/OVMF.fd passed with -bios (variables are not kept).</summary>
    Combined,
}

/// <summary>QEMU accelerator. <see cref="Auto"/> = KVM when /dev/kvm works (probed), else TCG. CORRALOS_ACCEL=tcg|kvm overrides.</summary>
public enum Accelerator
{
    Auto,
    Tcg,
    Kvm,
}

public enum DiskFormat
{
    Raw,
    Qcow2,
}

/// <summary>A blank (zeroed) virtio disk created for the VM. Size as qemu-img takes it: "1G", "512M".</summary>
public sealed record BlankDisk(string Size, DiskFormat Format = DiskFormat.Raw);

/// <summary>
/// A guestfwd: connections from the guest to GuestAddress:GuestPort are piped (via <c>nc</c>) to 127.0.0.1:HostPort.
/// Used for a fake metadata service at 169.254.169.254:80.
/// </summary>
public sealed record GuestForward(int HostPort, string GuestAddress = "169.254.169.254", int GuestPort = 80);

/// <summary>Everything about one VM. All paths default to the repository's dist/ artifacts.</summary>
public sealed record QemuOptions
{
    public const string DefaultBaseCmdline = "console=ttyS0 panic=10";

    /// <summary>A short name used in the work directory and in messages.</summary>
    public string Name { get; init; } = "vm";

    public BootMode Boot { get; init; } = BootMode.DirectKernel;

    /// <summary>ISO for the ISO boot modes; default dist/corralos.iso.</summary>
    public string? IsoPath { get; init; }

    /// <summary>Kernel for direct boot; default dist/vmlinuz.</summary>
    public string? KernelPath { get; init; }

    /// <summary>Initrd for direct boot; default dist/initrd.</summary>
    public string? InitrdPath { get; init; }

    /// <summary>The system images file direct kernel boots attach (default: dist/system-images, the initrd's own).</summary>
    public string? SystemImagesPath { get; init; }

    /// <summary>Direct boot only: the start of the kernel command line.</summary>
    public string BaseCmdline { get; init; } = DefaultBaseCmdline;

    /// <summary>Direct boot only: appended to <see cref="BaseCmdline"/>.</summary>
    public string ExtraCmdline { get; init; } = "";

    public UefiFirmware Uefi { get; init; } = UefiFirmware.Pflash;

    /// <summary>
    /// 2 GiB: a VM with the console service also runs User Docker, whose image and data live in the RAM root (the root
    /// tmpfs is half the memory; 1 GiB runs out loading the docker image, docs/user-docker.md). QEMU only allocates what
    /// the guest touches, so VMs that never start User Docker cost the host no more.
    /// </summary>
    public int MemoryMiB { get; init; } = 2048;

    public int Cpus { get; init; } = 1;

    /// <summary>False (default) passes -no-reboot: a guest reboot ends QEMU instead of restarting the guest.</summary>
    public bool AllowReboot { get; init; }

    /// <summary>
    /// With <see cref="AllowReboot"/> and <see cref="Monitor"/>: how long the console may stay silent after the guest
    /// kernel's "reboot: Restarting system" before the harness presses reset (<see cref="StalledResetWatch"/>).
    /// </summary>
    public TimeSpan StalledResetSilence { get; init; } = TimeSpan.FromMinutes(3);

    public Accelerator Accel { get; init; } = Accelerator.Auto;

    /// <summary>When set, a config drive (ISO9660 label config-2, openstack/latest/user_data) with this text is attached.</summary>
    public string? CloudConfig { get; init; }

    /// <summary>
    /// rancher.init_shell: PID 1 keeps its root shell on the serial console (the console service is not started), which
    /// is what <see cref="QemuVm.RunAsync"/> and most boot tests drive. Direct boots get it on the kernel command line,
    /// ISO boots without a <see cref="CloudConfig"/> on a config drive. Off for tests of the console service itself.
    /// </summary>
    public bool InitShell { get; init; } = true;

    /// <summary>
    /// A raw disk image file the test owns (it outlives the VM), attached as the first virtio disk (/dev/vda, before
    /// <see cref="Disks"/>); the boot disk in the Disk boot modes.
    /// </summary>
    public string? DiskImage { get; init; }

    /// <summary>Blank virtio disks, attached in order before the config drive (so the first is /dev/vda).</summary>
    public IReadOnlyList<BlankDisk> Disks { get; init; } = [];

    /// <summary>User-mode networking with restrict=on and SSH (guest port 22) forwarded to 127.0.0.1:<see cref="QemuVm.SshPort"/>.</summary>
    public bool Network { get; init; } = true;

    /// <summary>guestfwd entries. When any is given the guest network is 169.254.169.0/24 (host .2, DHCP from .15).</summary>
    public IReadOnlyList<GuestForward> GuestForwards { get; init; } = [];

    /// <summary>Extra guest TCP ports to forward from 127.0.0.1 (free host ports are chosen; see <see cref="QemuVm.HostPorts"/>).</summary>
    public IReadOnlyList<int> ExtraForwardedGuestPorts { get; init; } = [];

    /// <summary>
    /// An HMP monitor on a unix socket (default on), for <see cref="QemuVm.MonitorCommandAsync"/>: e.g.
    /// <c>sendkey ctrl-alt-delete</c>, <c>system_powerdown</c>, <c>info status</c>.
    /// </summary>
    public bool Monitor { get; init; } = true;

    /// <summary>Raw extra QEMU arguments, appended last.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>Keep the work directory (disks, console log) even when the VM did not fail.</summary>
    public bool KeepWorkDir { get; init; }

    public string QemuBinary { get; init; } = "qemu-system-x86_64";
}
