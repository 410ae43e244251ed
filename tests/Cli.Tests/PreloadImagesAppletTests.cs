namespace CorralOS.Cli.Tests;

/// <summary>`preload-images --after`: the preload-user-images service waits for the console's write_files.</summary>
public sealed class PreloadImagesAppletTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-preload-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_folder_is_read_only_once_the_after_file_exists()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "preload")).FullName;
        var marker = Path.Combine(_dir, "console-done");
        var output = new StringWriter();
        var run = Task.Run(() => Dispatcher.Run("ros", ["preload-images", "--dir", folder, "--after", marker, "--host", $"unix://{_dir}/none.sock", "--timeout", "1", "--log", ""], output, new StringWriter()),
            TestContext.Current.CancellationToken);

        // The console is still writing its files: an empty folder now must not end the preload.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(run.IsCompleted, output.ToString());
        File.WriteAllText(Path.Combine(folder, "app.tar"), "an archive write_files put here");
        File.WriteAllText(marker, "");

        // It saw the archive, so it waited for the engine (which is not there).
        Assert.Equal(1, await run);
        Assert.Contains("preload-images:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_after_an_empty_folder_ends_the_preload_at_once()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "preload")).FullName;

        Assert.Equal(0, Dispatcher.Run("ros", ["preload-images", "--dir", folder, "--host", $"unix://{_dir}/none.sock", "--log", ""], new StringWriter(), new StringWriter()));
    }
}
