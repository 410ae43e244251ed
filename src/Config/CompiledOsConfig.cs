using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace CorralOS.Config;

/// <summary>
/// os-config.yml compiled by the build (build/initrd.sh, `ros config compile-defaults`): the JSON of its plain tree
/// beside it, with a hash of the YAML it came from. Every `ros` process loads the config (PID 1, and each system
/// container's entrypoint and applet), and parsing and checking the defaults' YAML was nearly all of a load (7.6M of
/// 7.9M instructions; PID 1's config phase 79 → 42 ms under software emulation). It is used only while it
/// matches the YAML byte for byte, so an edited os-config.yml is read as YAML again; the build writes it only for a
/// file that passes the schema check and comes back from JSON unchanged, which is why its layer is not checked again.
/// </summary>
public static class CompiledOsConfig
{
    private const string SourceProperty = "source_xxhash3";
    private const string TreeProperty = "tree";

    /// <summary>Where the compiled form of <paramref name="osConfig"/> lives: beside it, .json for .yml.</summary>
    public static string PathFor(string osConfig) => Path.ChangeExtension(osConfig, ".json");

    /// <summary>
    /// The tree of <paramref name="yaml"/> (the bytes of <paramref name="osConfig"/>) from its compiled form; null when
    /// there is none, it was compiled from other bytes, or it cannot be read (then the YAML is parsed instead).
    /// </summary>
    public static Dictionary<string, object?>? TryRead(string osConfig, ReadOnlySpan<byte> yaml)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(PathFor(osConfig));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        try
        {
            var (source, tree) = Parse(json);
            return source == Hash(yaml) ? tree : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Compiles the YAML file <paramref name="osConfig"/> into <paramref name="output"/>. Throws
    /// <see cref="InvalidDataException"/> naming the problem when the file does not pass the schema check or its tree
    /// does not survive JSON (a double with no fraction would come back a long); nothing is written then.
    /// </summary>
    public static void Compile(string osConfig, string output)
    {
        var yaml = File.ReadAllBytes(osConfig);
        var document = YamlDocument.Parse(Encoding.UTF8.GetString(yaml), osConfig);
        if (document.SyntaxProblems.Concat(ConfigSchema.Validate(document)).FirstOrDefault() is { } problem)
        {
            throw new InvalidDataException(problem.ToString());
        }
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(SourceProperty, Hash(yaml));
            writer.WritePropertyName(TreeProperty);
            ConfigTreeJson.Write(writer, document.Tree);
            writer.WriteEndObject();
        }
        var json = buffer.ToArray();
        if (!ConfigTreeJson.SameTree(document.Tree, Parse(json).Tree))
        {
            throw new InvalidDataException($"{osConfig}: its values do not come back from JSON unchanged (a number such as 1.0 would be read as 1)");
        }
        var temporary = output + ".tmp";
        File.WriteAllBytes(temporary, json);
        File.Move(temporary, output, overwrite: true);
    }

    /// <summary>The compiled file's parts; throws <see cref="JsonException"/> (or InvalidOperationException) on bad JSON.</summary>
    private static (string? Source, Dictionary<string, object?>? Tree) Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? source = null;
        Dictionary<string, object?>? tree = null;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case SourceProperty:
                    source = reader.GetString();
                    break;
                case TreeProperty:
                    tree = ConfigTreeJson.Read(ref reader) as Dictionary<string, object?>;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return (source, tree);
    }

    // Not SHA-256: that starts OpenSSL, which alone costs more than parsing the YAML. The hash only tells an edited file.
    private static string Hash(ReadOnlySpan<byte> bytes) => XxHash3.HashToUInt64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
