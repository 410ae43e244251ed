using System.Globalization;
using CorralOS.Engine.Client;

namespace CorralOS.Services;

/// <summary>
/// A pull's progress as readable lines for a terminal or a log: a line when a layer's status changes, and while
/// bytes move, one each time a layer passes another tenth of its size (not one per chunk).
/// </summary>
public sealed class PullProgressLines
{
    private readonly Action<string> _write;
    private readonly Dictionary<string, (string Status, long Tenths)> _last = new(StringComparer.Ordinal);

    public PullProgressLines(Action<string> write) => _write = write;

    public void Report(PullProgress progress)
    {
        var key = progress.Id ?? "";
        var tenths = progress is { Current: { } current, Total: > 0 and var total } ? current * 10 / total : -1;
        if (_last.TryGetValue(key, out var last) && last.Status == progress.Status && last.Tenths == tenths)
        {
            return;
        }
        _last[key] = (progress.Status, tenths);
        var percent = tenths >= 0 ? " " + (tenths * 10).ToString(CultureInfo.InvariantCulture) + "%" : "";
        _write(progress.Id is { Length: > 0 } id ? $"{id}: {progress.Status}{percent}" : progress.Status + percent);
    }
}
