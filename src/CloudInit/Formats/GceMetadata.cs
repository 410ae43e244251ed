using System.Text.Json.Serialization;

namespace CorralOS.CloudInit.Formats;

/// <summary>computeMetadata/v1/?recursive=true: the instance and project trees (attributes are free-form strings).</summary>
internal sealed class GceMetadata
{
    [JsonPropertyName("instance")]
    public GceInstance? Instance { get; set; }

    [JsonPropertyName("project")]
    public GceProject? Project { get; set; }
}

internal sealed class GceInstance
{
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    [JsonPropertyName("attributes")]
    public Dictionary<string, string>? Attributes { get; set; }
}

internal sealed class GceProject
{
    [JsonPropertyName("attributes")]
    public Dictionary<string, string>? Attributes { get; set; }
}
