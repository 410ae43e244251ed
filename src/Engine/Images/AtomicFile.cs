namespace CorralOS.Engine.Images;

/// <summary>Writes a file so that readers (and a crash of the engine) see the old content or the new, never a part.</summary>
public static class AtomicFile
{
    /// <param name="durable">
    /// Synced to disk before the rename, so a power cut too leaves old or new. Without it the rename is still atomic
    /// for readers and for a crash of the engine (the page cache outlives it), and costs no journal commit: for
    /// what goes stale anyway when the machine stops (a container's run state).
    /// </param>
    public static void Write(string path, ReadOnlySpan<byte> content, bool durable = true)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: durable);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
