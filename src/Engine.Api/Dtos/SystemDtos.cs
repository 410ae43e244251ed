using System.Text.Json.Serialization;

namespace CorralOS.Engine.Api.Dtos;

/// <summary>The error body of every failed request.</summary>
public sealed record ErrorResponse([property: JsonPropertyName("message")] string Message);

/// <summary>GET /version (Docker's types.Version).</summary>
public sealed class VersionResponse
{
    [JsonPropertyName("Platform")] public required PlatformName Platform { get; init; }
    [JsonPropertyName("Components")] public required List<ComponentVersion> Components { get; init; }
    [JsonPropertyName("Version")] public required string Version { get; init; }
    [JsonPropertyName("ApiVersion")] public required string ApiVersion { get; init; }
    [JsonPropertyName("MinAPIVersion")] public required string MinApiVersion { get; init; }
    [JsonPropertyName("GitCommit")] public string GitCommit { get; init; } = "";
    [JsonPropertyName("GoVersion")] public required string GoVersion { get; init; }
    [JsonPropertyName("Os")] public string Os { get; init; } = "linux";
    [JsonPropertyName("Arch")] public required string Arch { get; init; }
    [JsonPropertyName("KernelVersion")] public required string KernelVersion { get; init; }
    [JsonPropertyName("Experimental")] public bool Experimental { get; init; }
    [JsonPropertyName("BuildTime")] public string BuildTime { get; init; } = "";
}

public sealed record PlatformName([property: JsonPropertyName("Name")] string Name);

public sealed record ComponentVersion(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Version")] string Version,
    [property: JsonPropertyName("Details")] Dictionary<string, string> Details);

/// <summary>GET /info (the fields Docker clients read; figures are real, not placeholders).</summary>
public sealed class InfoResponse
{
    [JsonPropertyName("ID")] public required string Id { get; init; }
    [JsonPropertyName("Containers")] public int Containers { get; init; }
    [JsonPropertyName("ContainersRunning")] public int ContainersRunning { get; init; }
    [JsonPropertyName("ContainersPaused")] public int ContainersPaused { get; init; }
    [JsonPropertyName("ContainersStopped")] public int ContainersStopped { get; init; }
    [JsonPropertyName("Images")] public int Images { get; init; }
    [JsonPropertyName("Driver")] public required string Driver { get; init; }
    [JsonPropertyName("DriverStatus")] public required List<List<string>> DriverStatus { get; init; }
    [JsonPropertyName("DockerRootDir")] public required string DockerRootDir { get; init; }
    [JsonPropertyName("Debug")] public bool Debug { get; init; }
    [JsonPropertyName("NFd")] public int NFd { get; init; }
    [JsonPropertyName("NGoroutines")] public int NGoroutines { get; init; }
    [JsonPropertyName("SystemTime")] public required string SystemTime { get; init; }
    [JsonPropertyName("LoggingDriver")] public string LoggingDriver { get; init; } = "json-file";
    [JsonPropertyName("CgroupDriver")] public string CgroupDriver { get; init; } = "cgroupfs";
    [JsonPropertyName("CgroupVersion")] public required string CgroupVersion { get; init; }
    [JsonPropertyName("KernelVersion")] public required string KernelVersion { get; init; }
    [JsonPropertyName("OperatingSystem")] public required string OperatingSystem { get; init; }
    [JsonPropertyName("OSVersion")] public required string OsVersion { get; init; }
    [JsonPropertyName("OSType")] public string OsType { get; init; } = "linux";
    [JsonPropertyName("Architecture")] public required string Architecture { get; init; }
    [JsonPropertyName("NCPU")] public int NCpu { get; init; }
    [JsonPropertyName("MemTotal")] public long MemTotal { get; init; }
    [JsonPropertyName("IndexServerAddress")] public string IndexServerAddress { get; init; } = "https://index.docker.io/v1/";
    [JsonPropertyName("Name")] public required string Name { get; init; }
    [JsonPropertyName("Labels")] public List<string> Labels { get; init; } = [];
    [JsonPropertyName("ExperimentalBuild")] public bool ExperimentalBuild { get; init; }
    [JsonPropertyName("ServerVersion")] public required string ServerVersion { get; init; }
    [JsonPropertyName("SecurityOptions")] public List<string> SecurityOptions { get; init; } = [];
    [JsonPropertyName("Warnings")] public List<string> Warnings { get; init; } = [];

    /// <summary>System Docker never joins a swarm (User Docker does that).</summary>
    [JsonPropertyName("Swarm")] public SwarmState Swarm { get; init; } = new("inactive");
}

public sealed record SwarmState([property: JsonPropertyName("LocalNodeState")] string LocalNodeState);
