namespace CorralOS.Engine.Tests;

/// <summary>What /proc says about this test process: mounts and zombie children.</summary>
public static class ProcFacts
{
    public static IEnumerable<string> MountTargets() =>
        File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 1).Select(f => f[1]);

    /// <summary>PIDs of zombie (Z) children of <paramref name="parent"/>, after giving reaping a moment.</summary>
    public static async Task<List<int>> ZombieChildrenAsync(int parent)
    {
        List<int> zombies = [];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            zombies = [];
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                {
                    continue;
                }
                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(dir, "stat"));
                }
                catch (IOException)
                {
                    continue; // gone meanwhile
                }
                // pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z" && int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == parent)
                {
                    zombies.Add(pid);
                }
            }
            if (zombies.Count == 0)
            {
                return zombies;
            }
            await Task.Delay(100);
        }
        return zombies;
    }
}
