using System.Globalization;
using CorralOS.Linux;

namespace CorralOS.Config;

/// <summary>
/// The one writable layer, cloud-config.yml. Every change is read-modify-write under an exclusive lock (so two
/// concurrent `ros config set` both land), validated before it is written, and written atomically: a temporary
/// file in the same directory, fsync, rename over the old file, fsync of the directory. A writer that dies at any
/// point leaves the previous file whole. Mode 0600: the file may hold keys and passwords.
/// </summary>
public sealed class CloudConfigStore
{
    /// <summary>Test hook: milliseconds to sleep after the temporary file is synced and before the rename.</summary>
    public const string PauseBeforeRenameVariable = "CORRALOS_TEST_PAUSE_BEFORE_RENAME_MS";

    private const string TempPrefix = ".cloud-config.yml.tmp-";

    private readonly ConfigPaths _paths;

    public CloudConfigStore(ConfigPaths paths) => _paths = paths;

    /// <summary>The file alone (not the merged config), with its problems; an absent file is an empty tree.</summary>
    public YamlDocument Read() =>
        File.Exists(_paths.CloudConfig) ? YamlDocument.Parse(File.ReadAllText(_paths.CloudConfig), _paths.CloudConfig) : YamlDocument.FromTree(YamlDocument.NewTree(), _paths.CloudConfig);

    /// <summary>Applies <paramref name="change"/> to the file's tree and writes the result; throws with every problem if it is not valid.</summary>
    public void Update(Action<Dictionary<string, object?>> change)
    {
        Directory.CreateDirectory(_paths.ConfDirectory);
        using var held = FileLock.Acquire(_paths.CloudConfigLock);
        RemoveStaleTemporaries();
        var current = Read();
        if (current.SyntaxProblems.Count > 0)
        {
            throw new ConfigValidationException(current.SyntaxProblems);
        }
        var tree = ConfigMerge.Copy(current.Tree);
        change(tree);
        // Unknown keys the file already had (written by hand) do not block other changes; new ones do.
        var known = ConfigSchema.Validate(current).Where(p => p.IsUnknownKey).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var problems = ConfigSchema.Validate(YamlDocument.FromTree(tree, _paths.CloudConfig))
            .Where(p => !(p.IsUnknownKey && known.Contains(p.Key)))
            .ToList();
        if (problems.Count > 0)
        {
            throw new ConfigValidationException(problems);
        }
        // As RancherOS does: the result must also convert to the typed model (it would at boot).
        LoadedConfig.Bind(tree);
        WriteAtomically(_paths.CloudConfig, ConfigYaml.Write(tree));
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> so that readers see the old or the new file, never a mix.</summary>
    public static void WriteAtomically(string path, string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("config files are written with Linux modes and fsync");
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, TempPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, mode); // umask may have taken bits off; be exact
            PauseForTests();
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        Durability.SyncDirectory(directory);
    }

    // Left by a writer that was killed before its rename; only a lock holder can know nobody is writing them.
    private void RemoveStaleTemporaries()
    {
        foreach (var stale in Directory.EnumerateFiles(_paths.ConfDirectory, TempPrefix + "*"))
        {
            File.Delete(stale);
        }
    }

    private static void PauseForTests()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(PauseBeforeRenameVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            Thread.Sleep(milliseconds);
        }
    }
}
