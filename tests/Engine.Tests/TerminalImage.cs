using System.Diagnostics;

namespace CorralOS.Engine.Tests;

/// <summary>The busybox test image plus `tty` and `stty`, and the docker CLI run with stdin piped or on a terminal.</summary>
public static class TerminalImage
{
    public static async Task LoadAsync(TestEngine engine, string tag = "busybox:test")
    {
        var image = BusyboxImage.Create(tag, layer => layer.Symlink("bin/tty", "busybox").Symlink("bin/stty", "busybox").Symlink("bin/head", "busybox"));
        using var response = await engine.LoadAsync(TestImage.Tar(image.DockerSaveFiles()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The docker CLI with <paramref name="input"/> on its stdin (then end of file).</summary>
    public static async Task<(int Exit, string Output, string Error)> DockerWithInputAsync(TestEngine engine, string input, params string[] args)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "-H", "unix://" + engine.Socket }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "corralos-docker-config");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// The docker CLI on a terminal of its own (`script` gives it a pty), the terminal sized rows x columns first.
    /// Returns what the terminal showed, without CRs (the outer terminal adds its own).
    /// </summary>
    public static async Task<(int Exit, string Output)> DockerOnTerminalAsync(TestEngine engine, string dockerArgs, int rows = 24, int columns = 80, string input = "")
    {
        var info = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-qec");
        info.ArgumentList.Add($"stty rows {rows} cols {columns}; exec docker -H unix://{engine.Socket} {dockerArgs}");
        info.ArgumentList.Add("/dev/null");
        info.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "corralos-docker-config");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // Typed on the terminal: the line discipline keeps it until the program reads it.
        await process.StandardInput.WriteAsync(input);
        await process.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        // script keeps its stdin open as the terminal's input; closed only once the command is done.
        process.StandardInput.Close();
        var text = (await output).Replace("\r", "", StringComparison.Ordinal);
        return (process.ExitCode, text + await error);
    }
}
