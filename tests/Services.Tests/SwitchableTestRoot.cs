using CorralOS.Cli;
using CorralOS.Config;
using CorralOS.Testing;

namespace CorralOS.Services.Tests;

/// <summary>
/// The config root of the switchable services' tests (consoles, engines): a temporary directory holding the shipped
/// catalog under usr/share/ros/services, files written into it, `ros APPLET` run in-process against it and an engine,
/// and its merged config.
/// </summary>
public sealed class SwitchableTestRoot : IDisposable
{
    private static readonly string s_catalog = System.IO.Path.Combine(RepoPaths.Root, "images/services");
    private readonly string _applet;
    private readonly string _engineSocket;

    public SwitchableTestRoot(string applet, string engineSocket)
    {
        _applet = applet;
        _engineSocket = engineSocket;
        Path = Directory.CreateTempSubdirectory($"corralos-ros-{applet}-").FullName;
        foreach (var file in Directory.GetFiles(s_catalog, "*.yml", SearchOption.AllDirectories))
        {
            Write(System.IO.Path.Combine("usr/share/ros/services", System.IO.Path.GetRelativePath(s_catalog, file)), File.ReadAllText(file));
        }
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> to the file at <paramref name="relative"/> under the root; returns its path.</summary>
    public string Write(string relative, string text)
    {
        var path = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>`ros APPLET --root ROOT --host ENGINE ARGS` in this process.</summary>
    public (int Exit, string Output, string Error) Ros(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Dispatcher.Run("ros", [_applet, "--root", Path, "--host", "unix://" + _engineSocket, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public Dictionary<string, object?> Config() => new ConfigLoader(new ConfigPaths(Path)).Load().Tree;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
