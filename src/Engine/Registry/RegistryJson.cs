using System.Text.Json.Serialization;

namespace CorralOS.Engine.Registry;

/// <summary>Source-generated JSON for the registry protocol and credential files. Names are case-insensitive
/// on reading because clients differ (Docker.DotNet, the docker CLI, hand-written files).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistryAuthEntry))]
[JsonSerializable(typeof(Dictionary<string, RegistryAuthEntry>))]
[JsonSerializable(typeof(DockerConfigFile))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RegistryErrorBody))]
internal sealed partial class RegistryJson : JsonSerializerContext;
