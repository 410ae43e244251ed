using System.Text.Json.Serialization;

namespace CorralOS.Engine.Registry;

/// <summary>
/// One registry's credentials, in the shape shared by X-Registry-Auth, docker's config.json `auths` and
/// `rancher.registry_auths`.
/// </summary>
public sealed class RegistryAuthEntry
{
    [JsonPropertyName("auth")] public string? Auth { get; set; }
    [JsonPropertyName("username")] public string? Username { get; set; }
    [JsonPropertyName("password")] public string? Password { get; set; }
    [JsonPropertyName("email")] public string? Email { get; set; }
    [JsonPropertyName("serveraddress")] public string? ServerAddress { get; set; }
    [JsonPropertyName("identitytoken")] public string? IdentityToken { get; set; }
    [JsonPropertyName("registrytoken")] public string? RegistryToken { get; set; }
}

/// <summary>A docker config.json: only its `auths` map is read.</summary>
public sealed class DockerConfigFile
{
    [JsonPropertyName("auths")] public Dictionary<string, RegistryAuthEntry>? Auths { get; set; }
}

/// <summary>A token server's answer (Docker's token spec: `token`, or OAuth's `access_token`).</summary>
public sealed class TokenResponse
{
    [JsonPropertyName("token")] public string? Token { get; set; }
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
}

/// <summary>A registry's error body: {"errors":[{"code","message"}]}.</summary>
public sealed class RegistryErrorBody
{
    [JsonPropertyName("errors")] public List<RegistryError>? Errors { get; set; }
}

public sealed class RegistryError
{
    [JsonPropertyName("code")] public string? Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
}
