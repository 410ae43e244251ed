using System.Text.Json.Serialization;

namespace CorralOS.Engine.Client;

/// <summary>Source-generated JSON for every body this client sends or reads; nulls are left out of requests.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerSpec))]
[JsonSerializable(typeof(ExecSpec))]
[JsonSerializable(typeof(CreateResponse))]
[JsonSerializable(typeof(WaitResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(List<ContainerListItem>))]
[JsonSerializable(typeof(ContainerDetails))]
[JsonSerializable(typeof(List<ImageListItem>))]
[JsonSerializable(typeof(ImageDetails))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
internal sealed partial class ClientJson : JsonSerializerContext;
