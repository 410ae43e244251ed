namespace CorralOS.Engine.Archives;

/// <summary>Tar entry names made safe to join with a root: relative, no "..", no empty or "." parts.</summary>
public static class SafePath
{
    /// <summary>"./a//b/" becomes "a/b"; "" means the root itself. Absolute names and ".." are refused.</summary>
    public static string Normalize(string name, string what)
    {
        if (name.StartsWith('/'))
        {
            throw new InvalidArgumentException($"{what}: absolute path {name} is not allowed");
        }
        if (name.Contains('\0'))
        {
            throw new InvalidArgumentException($"{what}: path contains a NUL byte");
        }
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                throw new InvalidArgumentException($"{what}: path {name} leaves the archive root (..)");
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
