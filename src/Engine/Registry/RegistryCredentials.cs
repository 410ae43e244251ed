using System.Text;
using System.Text.Json;

namespace CorralOS.Engine.Registry;

/// <summary>A user name and password for one registry, used for Basic auth and for token requests.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>
    /// The X-Registry-Auth header as the docker CLI and Docker.DotNet send it: base64url of a JSON auth entry
    /// (padded or not). Null when the header is absent or carries no user (the CLI sends "{}" then).
    /// </summary>
    public static RegistryCredentials? FromHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        RegistryAuthEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize(DecodeBase64(header.Trim()), RegistryJson.Default.RegistryAuthEntry);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new InvalidArgumentException($"invalid X-Registry-Auth header: {e.Message}", e);
        }
        return entry is null ? null : FromEntry(entry, "X-Registry-Auth");
    }

    /// <summary>An auth entry: `auth` (base64 of user:password) wins over `username`/`password`, as in Docker.</summary>
    public static RegistryCredentials? FromEntry(RegistryAuthEntry entry, string where)
    {
        if (!string.IsNullOrEmpty(entry.Auth))
        {
            string plain;
            try
            {
                plain = Encoding.UTF8.GetString(DecodeBase64(entry.Auth));
            }
            catch (FormatException e)
            {
                throw new InvalidArgumentException($"{where}: auth is not base64: {e.Message}", e);
            }
            var colon = plain.IndexOf(':');
            if (colon <= 0)
            {
                throw new InvalidArgumentException($"{where}: auth must be base64 of user:password");
            }
            return new RegistryCredentials(plain[..colon], plain[(colon + 1)..]);
        }
        return string.IsNullOrEmpty(entry.Username) ? null : new RegistryCredentials(entry.Username, entry.Password ?? "");
    }

    /// <summary>Standard or URL alphabet, with or without padding.</summary>
    private static byte[] DecodeBase64(string text)
    {
        var normal = text.Replace('-', '+').Replace('_', '/');
        normal = normal.PadRight(normal.Length + (4 - normal.Length % 4) % 4, '=');
        return Convert.FromBase64String(normal);
    }

    public override string ToString() => $"{Username}:***";
}
