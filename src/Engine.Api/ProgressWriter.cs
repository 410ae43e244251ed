using System.Globalization;
using System.Text.Json;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Registry;
using Microsoft.AspNetCore.Http;

namespace CorralOS.Engine.Api;

/// <summary>Writes Docker's JSON message stream: one JSON object a line, flushed at once so the CLI shows progress live.</summary>
public sealed class ProgressWriter(HttpResponse response)
{
    private const int BarWidth = 50;

    public Task WriteAsync(ProgressEvent e, CancellationToken cancellationToken)
    {
        var counted = e.Current is not null;
        return WriteAsync(new ProgressMessage
        {
            Status = e.Status,
            Id = e.Id,
            ProgressDetail = e.Id is null ? null : new ProgressCounts { Current = e.Current, Total = counted ? e.Total : null },
            Progress = counted ? Bar(e.Current!.Value, e.Total ?? 0) : null,
        }, cancellationToken);
    }

    public Task WriteErrorAsync(string message, CancellationToken cancellationToken) =>
        WriteAsync(new ProgressMessage { ErrorDetail = new ErrorDetail(message), Error = message }, cancellationToken);

    public async Task WriteAsync(ProgressMessage message, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message, RegistryApiJson.Default.ProgressMessage), cancellationToken);
        await response.Body.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Docker's text bar: "[=====>      ]  1.05MB/2.1MB".</summary>
    public static string Bar(long current, long total)
    {
        if (total <= 0)
        {
            return HumanSize(current);
        }
        var filled = (int)Math.Min(BarWidth, current * BarWidth / total);
        var arrow = filled < BarWidth ? ">" : "";
        var bar = new string('=', filled) + arrow + new string(' ', Math.Max(0, BarWidth - filled - arrow.Length));
        return $"[{bar}] {HumanSize(current),8}/{HumanSize(total)}";
    }

    /// <summary>Decimal units with up to four significant digits, as Docker's go-units HumanSize.</summary>
    public static string HumanSize(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return value.ToString("0.###", CultureInfo.InvariantCulture) + units[unit];
    }
}
