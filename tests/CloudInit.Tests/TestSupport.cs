using System.Diagnostics;
using CorralOS.Config;

namespace CorralOS.CloudInit.Tests;

/// <summary>Per-test temporary directories, fixtures and options that point only at 127.0.0.1 and temp roots.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("corralos-cloudinit-").FullName;

    public string Path { get; }

    public ConfigPaths Paths => new(Path);

    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

public static class Fixture
{
    public static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    public static string Text(string relative) => File.ReadAllText(Path(relative));

    public static Answer Ok(string relative) => Answer.Ok(File.ReadAllBytes(Path(relative)));
}

public static class Options
{
    /// <summary>Options for a test: temp root, no real devices, all metadata at the local server (or nowhere).</summary>
    public static CloudInitOptions For(TempDir dir, LocalServer? server = null, Func<string, string?>? findDevice = null, string vmwareRpctool = "/nonexistent/vmware-rpctool") => new()
    {
        VmwareRpctool = vmwareRpctool,
        Paths = dir.Paths,
        SysRoot = System.IO.Path.Combine(dir.Path, "sys"),
        MountDirectory = System.IO.Path.Combine(dir.Path, "mnt"),
        FindDeviceByLabel = findDevice ?? (_ => null),
        // Nothing but 127.0.0.1: without a server, the endpoints point at a closed local port.
        Endpoints = server?.Endpoints ?? MetadataEndpoints.At(new Uri("http://127.0.0.1:9/")),
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    public static async Task<CloudData> FetchAsync(string spec, CloudInitOptions options)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var source = DatasourceFactory.Create(spec, options, http) ?? throw new InvalidOperationException($"no datasource {spec}");
        Assert.True(await source.IsAvailableAsync(TestContext.Current.CancellationToken), $"{spec} should be available");
        return await source.FetchAsync(TestContext.Current.CancellationToken);
    }
}

/// <summary>Loop devices a test attached (root only, as a drive in a VM), detached when it ends.</summary>
public sealed class LoopDevices : IDisposable
{
    private readonly List<string> _attached = [];

    public IReadOnlyList<string> Attached => _attached;

    public string Attach(string image, bool readOnly = false)
    {
        var loop = readOnly ? Tool.Run("losetup", "--find", "--show", "--read-only", image).Trim() : Tool.Run("losetup", "--find", "--show", image).Trim();
        _attached.Add(loop);
        return loop;
    }

    public void Dispose()
    {
        foreach (var loop in _attached)
        {
            Tool.Run("losetup", "-d", loop);
        }
    }
}

public static class Tool
{
    /// <summary>Runs a program to the end; fails the test with its stderr when it fails.</summary>
    public static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error.Result}");
        return output;
    }
}

public static class FixtureTree
{
    /// <summary>Serves Fixtures/<paramref name="root"/> as a metadata tree: /a/b is the file a/b, /a/ is a/_index (the listing).</summary>
    public static Func<SeenRequest, Answer?> Serve(string root) => request =>
    {
        var path = request.PathAndQuery.Split('?')[0].TrimStart('/');
        var file = System.IO.Path.Combine(Fixture.Path(root), path.EndsWith('/') || path.Length == 0 ? path + "_index" : path);
        return request.Method == "GET" && File.Exists(file) ? Answer.Ok(File.ReadAllBytes(file)) : null;
    };
}
