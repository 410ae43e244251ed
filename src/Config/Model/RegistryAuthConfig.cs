namespace CorralOS.Config.Model;

/// <summary>Credentials for one registry (<c>rancher.registry_auths.&lt;registry&gt;</c>).</summary>
public sealed class RegistryAuthConfig
{
    /// <summary>base64 of user:password.</summary>
    public string? Auth { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? Email { get; set; }

    public string? Identitytoken { get; set; }

    public string? Registrytoken { get; set; }

    public string? Serveraddress { get; set; }
}
