namespace CorralOS.Engine.Tests;

/// <summary>What /proc says: this test process's mounts and zombie children, any process's files.</summary>
public static class ProcFacts
{
    /// <summary>The personality flags of a process (/proc/PID/personality, hexadecimal).</summary>
    public static uint PersonalityOf(int pid) =>
        uint.Parse(File.ReadAllText($"/proc/{pid}/personality").Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    public static IEnumerable<string> MountTargets() =>
        File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 1).Select(f => f[1]);

    /// <summary>PIDs of zombie (Z) children of <paramref name="parent"/>, after giving reaping a moment.</summary>
    public static async Task<List<int>> ZombieChildrenAsync(int parent)
    {
        List<int> zombies = [];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            zombies = [];
            foreach (var (pid, stat) in Processes("stat"))
            {
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

    /// <summary>Every process's pid with the text of its /proc/PID/<paramref name="file"/> (those gone meanwhile left out).</summary>
    public static IEnumerable<(int Pid, string Text)> Processes(string file)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(dir, file));
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            yield return (pid, text);
        }
    }
}
