namespace CorralOS.Engine.Containers;

/// <summary>What GET /containers/{id}/logs asked for.</summary>
public sealed record LogQuery(bool Stdout, bool Stderr, bool Follow, int? Tail, DateTimeOffset? Since, DateTimeOffset? Until);

/// <summary>Reads a json-file log: the lines already there (tail, since, until), then, with follow, new ones for as long as <c>following</c> says (until the container stops, for logs).</summary>
public static class LogReader
{
    public static async IAsyncEnumerable<LogEntry> ReadAsync(Container container, string path, LogQuery query, Func<ContainerState, bool> following, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            yield break;
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file);
        var existing = new List<LogEntry>();
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            if (LogEntry.TryParse(line) is { } entry && Wanted(entry, query))
            {
                existing.Add(entry);
            }
        }
        var start = query.Tail is { } tail && tail >= 0 ? Math.Max(0, existing.Count - tail) : 0;
        for (var i = start; i < existing.Count; i++)
        {
            yield return existing[i];
        }
        if (!query.Follow)
        {
            yield break;
        }
        var partial = "";
        while (true)
        {
            // Take the state before reading: a line written before the stop is read in this round.
            var changed = container.Changed;
            var going = following(container.State);
            while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
            {
                // ReadLine also returns a line cut at the end of the file; keep it until the rest arrives.
                line = partial + line;
                var entry = LogEntry.TryParse(line);
                partial = entry is null && !line.EndsWith('}') ? line : "";
                if (entry is not null && Wanted(entry, query))
                {
                    yield return entry;
                }
            }
            if (!going)
            {
                yield break;
            }
            await Task.WhenAny(changed, Task.Delay(200, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static bool Wanted(LogEntry entry, LogQuery query) =>
        (entry.Stream == "stderr" ? query.Stderr : query.Stdout)
        && (query.Since is null || entry.Time >= query.Since)
        && (query.Until is null || entry.Time <= query.Until);
}
