using CorralOS.Engine;
using CorralOS.Engine.Images;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `system-dockerd --data-root DIR --load-only ARCHIVE...`: loads archives straight into the image store under DIR
/// (the engine's own loader: every digest and diff_id verified, layers extracted), without serving anything. The
/// initrd build uses it so PID 1 finds the boot's system images already in its store instead of untarring them at
/// every boot (docs/init.md).
/// </summary>
internal static class StoreLoader
{
    public static int Load(string dataRoot, IReadOnlyList<string> archives, TextWriter output)
    {
        var store = ImageStore.Open(new StoreLayout(dataRoot));
        var loader = new ImageLoader(store);
        foreach (var archive in archives)
        {
            using var input = File.OpenRead(archive);
            try
            {
                foreach (var line in loader.Load(input, CancellationToken.None).Lines)
                {
                    output.WriteLine(line);
                }
            }
            catch (EngineException e)
            {
                throw new InvalidOperationException($"{archive}: {e.Message}", e);
            }
        }
        return 0;
    }
}
