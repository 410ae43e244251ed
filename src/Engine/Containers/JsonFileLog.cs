using System.Text;
using System.Text.Json;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Docker's json-file log driver, writing side: each line a container prints becomes
/// {"log":"line\n","stream":"stdout|stderr","time":"RFC3339 nano"} in ID-json.log. stdout and stderr share the file.
/// </summary>
public sealed class JsonFileLog(string path) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly FileStream _file = new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Copies one output pipe into the log until it closes (the container and crun exited).</summary>
    public async Task PumpAsync(Stream source, string stream, Func<ReadOnlyMemory<byte>, Task>? tee = null)
    {
        var buffer = new byte[16384];
        var pending = new List<byte>();
        int read;
        while ((read = await ReadAsync(source, buffer)) > 0)
        {
            if (tee is not null)
            {
                await tee(buffer.AsMemory(0, read));
            }
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    pending.AddRange(buffer.AsSpan(start, i + 1 - start));
                    Write(stream, pending);
                    pending.Clear();
                    start = i + 1;
                }
            }
            pending.AddRange(buffer.AsSpan(start, read - start));
            // A very long line is split as Docker does (16 KiB chunks), so memory stays bounded.
            if (pending.Count >= 16384)
            {
                Write(stream, pending);
                pending.Clear();
            }
        }
        if (pending.Count > 0)
        {
            Write(stream, pending);
        }
    }

    // A terminal's master reads EIO once the container's side is closed: that is its end.
    private static async Task<int> ReadAsync(Stream source, byte[] buffer)
    {
        try
        {
            return await source.ReadAsync(buffer);
        }
        catch (IOException) when (source is FileStream)
        {
            return 0;
        }
    }

    private void Write(string stream, List<byte> line)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("log", Encoding.UTF8.GetString(line.ToArray()));
            json.WriteString("stream", stream);
            json.WriteString("time", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _file.Flush();
        }
    }

    public void Dispose() => _file.Dispose();
}
