using System.Text;
using System.Text.Json;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Docker's json-file log driver, writing side: each line a container prints becomes
/// {"log":"line\n","stream":"stdout|stderr","time":"RFC3339 nano"} in ID-json.log. stdout and stderr share the file.
/// </summary>
public sealed class JsonFileLog(string path) : LineLog
{
    private readonly Lock _gate = new();
    private readonly FileStream _file = new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    protected override void Write(string stream, List<byte> line)
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

    public override void Dispose() => _file.Dispose();
}
