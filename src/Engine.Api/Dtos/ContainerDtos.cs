using System.Text.Json.Serialization;
using CorralOS.Engine.Containers;

namespace CorralOS.Engine.Api.Dtos;

/// <summary>POST /containers/create's answer.</summary>
public sealed record ContainerCreateResponse(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Warnings")] List<string> Warnings);

/// <summary>POST /containers/{id}/wait's answer.</summary>
public sealed record ContainerWaitResponse(
    [property: JsonPropertyName("StatusCode")] long StatusCode,
    [property: JsonPropertyName("Error")] WaitError? Error);

public sealed record WaitError([property: JsonPropertyName("Message")] string Message);

/// <summary>One entry of GET /containers/json.</summary>
public sealed class ContainerSummary
{
    [JsonPropertyName("Id")] public required string Id { get; init; }
    [JsonPropertyName("Names")] public required List<string> Names { get; init; }
    [JsonPropertyName("Image")] public required string Image { get; init; }
    [JsonPropertyName("ImageID")] public required string ImageId { get; init; }
    [JsonPropertyName("Command")] public required string Command { get; init; }
    [JsonPropertyName("Created")] public long Created { get; init; }
    [JsonPropertyName("Ports")] public List<PortBinding> Ports { get; init; } = [];
    [JsonPropertyName("Labels")] public required Dictionary<string, string> Labels { get; init; }
    [JsonPropertyName("State")] public required string State { get; init; }
    [JsonPropertyName("Status")] public required string Status { get; init; }
    [JsonPropertyName("HostConfig")] public required SummaryHostConfig HostConfig { get; init; }
    [JsonPropertyName("NetworkSettings")] public required NetworkSettings NetworkSettings { get; init; }
    [JsonPropertyName("Mounts")] public required List<MountPoint> Mounts { get; init; }
}

/// <summary>A published port (never one yet: there is no bridge network to publish from).</summary>
public sealed record PortBinding(
    [property: JsonPropertyName("PrivatePort")] int PrivatePort,
    [property: JsonPropertyName("Type")] string Type);

public sealed record SummaryHostConfig([property: JsonPropertyName("NetworkMode")] string NetworkMode);

public sealed class NetworkSettings
{
    [JsonPropertyName("Networks")] public Dictionary<string, EndpointSettings> Networks { get; init; } = [];
}

public sealed class EndpointSettings
{
    [JsonPropertyName("NetworkID")] public string NetworkId { get; init; } = "";
    [JsonPropertyName("EndpointID")] public string EndpointId { get; init; } = "";
    [JsonPropertyName("Gateway")] public string Gateway { get; init; } = "";
    [JsonPropertyName("IPAddress")] public string IpAddress { get; init; } = "";
    [JsonPropertyName("IPPrefixLen")] public int IpPrefixLen { get; init; }
    [JsonPropertyName("MacAddress")] public string MacAddress { get; init; } = "";
}

public sealed class MountPoint
{
    [JsonPropertyName("Type")] public required string Type { get; init; }
    [JsonPropertyName("Name")] public string? Name { get; init; }
    [JsonPropertyName("Source")] public required string Source { get; init; }
    [JsonPropertyName("Destination")] public required string Destination { get; init; }
    [JsonPropertyName("Mode")] public string Mode { get; init; } = "";
    [JsonPropertyName("RW")] public bool Rw { get; init; }
    [JsonPropertyName("Propagation")] public string Propagation { get; init; } = "";
}

/// <summary>GET /containers/{id}/json.</summary>
public sealed class ContainerInspect
{
    [JsonPropertyName("Id")] public required string Id { get; init; }
    [JsonPropertyName("Created")] public required string Created { get; init; }
    [JsonPropertyName("Path")] public required string Path { get; init; }
    [JsonPropertyName("Args")] public required List<string> Args { get; init; }
    [JsonPropertyName("State")] public required InspectState State { get; init; }
    [JsonPropertyName("Image")] public required string Image { get; init; }
    [JsonPropertyName("ResolvConfPath")] public required string ResolvConfPath { get; init; }
    [JsonPropertyName("HostnamePath")] public required string HostnamePath { get; init; }
    [JsonPropertyName("HostsPath")] public required string HostsPath { get; init; }
    [JsonPropertyName("LogPath")] public required string LogPath { get; init; }
    [JsonPropertyName("Name")] public required string Name { get; init; }
    [JsonPropertyName("RestartCount")] public int RestartCount { get; init; }
    [JsonPropertyName("Driver")] public string Driver { get; init; } = ImageViews.Driver;
    [JsonPropertyName("Platform")] public string Platform { get; init; } = "linux";
    [JsonPropertyName("MountLabel")] public string MountLabel { get; init; } = "";
    [JsonPropertyName("ProcessLabel")] public string ProcessLabel { get; init; } = "";
    [JsonPropertyName("AppArmorProfile")] public string AppArmorProfile { get; init; } = "";
    [JsonPropertyName("HostConfig")] public required HostConfig HostConfig { get; init; }
    [JsonPropertyName("GraphDriver")] public required GraphDriverData GraphDriver { get; init; }
    [JsonPropertyName("Mounts")] public required List<MountPoint> Mounts { get; init; }
    [JsonPropertyName("Config")] public required ContainerCreateRequest Config { get; init; }
    [JsonPropertyName("NetworkSettings")] public required NetworkSettings NetworkSettings { get; init; }
}

public sealed class InspectState
{
    [JsonPropertyName("Status")] public required string Status { get; init; }
    [JsonPropertyName("Running")] public bool Running { get; init; }
    [JsonPropertyName("Paused")] public bool Paused { get; init; }
    [JsonPropertyName("Restarting")] public bool Restarting { get; init; }
    [JsonPropertyName("OOMKilled")] public bool OomKilled { get; init; }
    [JsonPropertyName("Dead")] public bool Dead { get; init; }
    [JsonPropertyName("Pid")] public int Pid { get; init; }
    [JsonPropertyName("ExitCode")] public int ExitCode { get; init; }
    [JsonPropertyName("Error")] public string Error { get; init; } = "";
    [JsonPropertyName("StartedAt")] public required string StartedAt { get; init; }
    [JsonPropertyName("FinishedAt")] public required string FinishedAt { get; init; }
}
