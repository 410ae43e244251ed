using CorralOS.Init.Storage;
using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>A filesystem mounted for the install's writes; disposal syncs and unmounts it.</summary>
public sealed class MountedFileSystem : IDisposable
{
    private MountedFileSystem(string path) => Path = path;

    public string Path { get; }

    public static MountedFileSystem Mount(string device, string path)
    {
        Directory.CreateDirectory(path);
        var type = FileSystemProbe.Probe(device)?.Type ?? throw new InstallException($"{device} holds no filesystem the installer knows");
        try
        {
            Mounts.Mount(device, path, type);
        }
        catch (SystemCallException e)
        {
            throw new InstallException($"cannot mount {device} ({type}): {e.Message}");
        }
        return new MountedFileSystem(path);
    }

    public void Dispose()
    {
        Power.Sync();
        Mounts.Unmount(Path);
    }
}
