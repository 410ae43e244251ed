using System.Text.Json;

namespace CorralOS.Config;

/// <summary>
/// A plain config tree (<see cref="YamlValues"/>' types: maps of string keys, lists, string, long, double, bool, null)
/// as JSON and back. A double with no fraction comes back as a long: <see cref="SameTree"/> tells whether a tree
/// survives the trip.
/// </summary>
public static class ConfigTreeJson
{
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double real:
                writer.WriteNumberValue(real);
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }
                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"a config tree holds no {value.GetType().Name}", nameof(value));
        }
    }

    /// <summary>The value at the reader's current token (read past it); throws <see cref="JsonException"/> on bad JSON.</summary>
    public static object? Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var map = YamlDocument.NewTree();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    map[key] = Read(ref reader);
                }
                return map;
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(Read(ref reader));
                }
                return list;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number when reader.TryGetInt64(out var number):
                return number;
            case JsonTokenType.Number:
                return reader.GetDouble();
            case JsonTokenType.True or JsonTokenType.False:
                return reader.GetBoolean();
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"unexpected {reader.TokenType} in a config tree");
        }
    }

    /// <summary>Whether two trees hold the same keys, in the same order, and values of the same types.</summary>
    public static bool SameTree(object? a, object? b) => (a, b) switch
    {
        (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y) =>
            x.Count == y.Count && x.Zip(y).All(p => p.First.Key == p.Second.Key && SameTree(p.First.Value, p.Second.Value)),
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => SameTree(p.First, p.Second)),
        (double x, double y) => x.Equals(y),
        _ => a?.GetType() == b?.GetType() && Equals(a, b),
    };
}
