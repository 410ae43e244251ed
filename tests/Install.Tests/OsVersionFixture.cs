namespace CorralOS.Install.Tests;

/// <summary>
/// An OS image's /usr/share/ros/os for version <c>V</c> (files.list, version, a kernel and initrd whose text names V and a
/// build name, to tell two builds of one version apart) with the given menu template.
/// </summary>
internal static class OsVersionFixture
{
    public static OsVersionFiles Create(string parent, string version, string menuTemplate, string build = "")
    {
        var directory = Directory.CreateDirectory(Path.Combine(parent, "image-" + version + build)).FullName;
        File.WriteAllText(Path.Combine(directory, "files.list"), "vmlinuz\ninitrd\n");
        File.WriteAllText(Path.Combine(directory, "version"), version + "\n");
        File.WriteAllText(Path.Combine(directory, "vmlinuz"), ("kernel " + version + " " + build).TrimEnd());
        File.WriteAllText(Path.Combine(directory, "initrd"), ("initrd " + version + " " + build).TrimEnd());
        File.WriteAllText(Path.Combine(directory, "grub.cfg"), menuTemplate);
        return OsVersionFiles.Read(directory);
    }
}
