using System.Text;
using CorralOS.Linux;

namespace CorralOS.Init.Boot;

/// <summary>
/// GRUB's environment block (grubenv): exactly 1024 bytes, "# GRUB Environment Block\n", then name=value lines
/// (a backslash before a backslash or newline in a value), padded with '#'. GRUB's load_env reads it and save_env
/// overwrites those same sectors in place (it never allocates), so the file must be whole: written complete, never
/// sparse, as grub-editenv writes it.
/// </summary>
public static class GrubEnvironment
{
    public const int Size = 1024;
    private const string Header = "# GRUB Environment Block\n";

    /// <summary>grubenv of the filesystem mounted at <paramref name="bootRoot"/> (the state: /state when booted), beside GRUB's menu.</summary>
    public static string PathIn(string bootRoot) => System.IO.Path.Combine(bootRoot, "boot", "grub", "grubenv");

    /// <summary>The variables in file order; an empty list when the file does not exist.</summary>
    public static List<KeyValuePair<string, string>> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (!text.StartsWith(Header, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is not a GRUB environment block");
        }
        var values = new List<KeyValuePair<string, string>>();
        var line = new StringBuilder();
        for (var i = Header.Length; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                line.Append(text[++i]);
            }
            else if (c == '\n')
            {
                Add(values, line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(c);
            }
        }
        return values;
    }

    /// <summary>
    /// Writes the block beside the file, flushes it and renames it over the old one, so a power loss leaves either
    /// block whole. GRUB reads the filesystem without replaying its journal (<see cref="Durability.SyncFileSystem"/>),
    /// so the filesystem is synced before the rename, which puts what the new block names (an upgrade's files and
    /// menu) and the new block's own inode where GRUB looks, and after it: from then on GRUB boots by the new block,
    /// also after a power loss, and its save_env writes into the new block's sectors, not into the old one's, which
    /// the journal has freed.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, string>> values)
    {
        var text = new StringBuilder(Header);
        foreach (var (name, value) in values)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException($"not a GRUB variable name: '{name}'", nameof(values));
            }
            text.Append(name).Append('=').Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\\n", StringComparison.Ordinal)).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (bytes.Length > Size)
        {
            throw new InvalidOperationException($"the GRUB environment for {path} exceeds {Size} bytes");
        }
        var block = new byte[Size];
        Array.Fill(block, (byte)'#');
        bytes.CopyTo(block, 0);

        AtomicFile.Write(path, block, journalBlindReaders: true);
    }

    private static void Add(List<KeyValuePair<string, string>> values, string line)
    {
        // Padding '#'s and comments are not variables.
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (line.StartsWith('#') || equals <= 0)
        {
            return;
        }
        values.Add(new(line[..equals], line[(equals + 1)..]));
    }
}
