namespace CorralOS.Engine.Api;

/// <summary>The engine's ID for /info: made once, kept in the data root (Docker keeps engine-id the same way).</summary>
public static class EngineId
{
    public static string LoadOrCreate(string dataRoot)
    {
        var path = Path.Combine(dataRoot, "engine-id");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        var id = Guid.NewGuid().ToString();
        CorralOS.Linux.AtomicFile.Write(path, id + "\n");
        return id;
    }
}
