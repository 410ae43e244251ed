using System.Text.Json.Serialization;
using CorralOS.Engine.Client;

namespace CorralOS.Services;

/// <summary>The create request as hashed: source-generated, nulls left out, so an unset field never changes a hash.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerSpec))]
internal sealed partial class ServicesJson : JsonSerializerContext;
