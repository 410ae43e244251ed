using System.Text.Json.Serialization;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Containers;

namespace CorralOS.Engine.Api;

/// <summary>
/// Source-generated JSON for every API body. Names come from [JsonPropertyName] (Docker's PascalCase), never
/// from a naming policy.
/// </summary>
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(List<ImageSummary>))]
[JsonSerializable(typeof(ImageInspect))]
[JsonSerializable(typeof(List<HistoryItem>))]
[JsonSerializable(typeof(List<DeleteItem>))]
[JsonSerializable(typeof(JsonMessage))]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(ContainerCreateResponse))]
[JsonSerializable(typeof(ContainerWaitResponse))]
[JsonSerializable(typeof(List<ContainerSummary>))]
[JsonSerializable(typeof(ContainerInspect))]
[JsonSerializable(typeof(CorralOS.Engine.Exec.ExecConfig))]
[JsonSerializable(typeof(CorralOS.Engine.Exec.ExecStartConfig))]
[JsonSerializable(typeof(ExecCreateResponse))]
[JsonSerializable(typeof(ExecInspect))]
[JsonSerializable(typeof(EventMessage))]
[JsonSerializable(typeof(VolumeList))]
[JsonSerializable(typeof(VolumeView))]
internal sealed partial class ApiJson : JsonSerializerContext;
