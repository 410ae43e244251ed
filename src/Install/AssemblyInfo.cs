// The installer runs on Linux only: block devices, mount(2), Debian's partitioning and GRUB tools.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
