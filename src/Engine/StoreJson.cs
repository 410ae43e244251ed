using System.Text.Json.Serialization;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Containers;
using CorralOS.Engine.Images;

namespace CorralOS.Engine;

/// <summary>Source-generated JSON for everything the engine core reads and writes (no reflection under AOT).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(ImageRecord))]
[JsonSerializable(typeof(LayerInfo))]
[JsonSerializable(typeof(ReferenceIndex))]
[JsonSerializable(typeof(List<DockerSaveEntry>))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(OciLayoutFile))]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(ContainerCreateRequest))]
internal sealed partial class StoreJson : JsonSerializerContext;
