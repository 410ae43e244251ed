namespace CorralOS.Install.Tests;

/// <summary>An OS image's /usr/share/ros/os for version <c>V</c> (files.list, version, a kernel and initrd whose text names V) with the given menu template.</summary>
internal static class OsVersionFixture
{
    public static OsVersionFiles Create(string parent, string version, string menuTemplate)
    {
        var directory = Directory.CreateDirectory(Path.Combine(parent, "image-" + version)).FullName;
        File.WriteAllText(Path.Combine(directory, "files.list"), "vmlinuz\ninitrd\n");
        File.WriteAllText(Path.Combine(directory, "version"), version + "\n");
        File.WriteAllText(Path.Combine(directory, "vmlinuz"), "kernel " + version);
        File.WriteAllText(Path.Combine(directory, "initrd"), "initrd " + version);
        File.WriteAllText(Path.Combine(directory, "grub.cfg"), menuTemplate);
        return OsVersionFiles.Read(directory);
    }
}
