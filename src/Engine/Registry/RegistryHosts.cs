using System.Net;

namespace CorralOS.Engine.Registry;

/// <summary>
/// Registry names and addresses: Docker Hub's aliases are one registry ("docker.io", served at
/// registry-1.docker.io); loopback registries and the ones listed insecure speak plain http, every other https.
/// </summary>
public static class RegistryHosts
{
    public const string DockerHub = "docker.io";

    /// <summary>A registry key as users write it ("https://index.docker.io/v1/", "Host:5000/") in its plain form.</summary>
    public static string Normalize(string key)
    {
        var host = key.Trim();
        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (host.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                host = host[scheme.Length..];
            }
        }
        var slash = host.IndexOf('/');
        host = (slash >= 0 ? host[..slash] : host).ToLowerInvariant();
        return host is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? DockerHub : host;
    }

    /// <summary>The base address of the registry API (without /v2/).</summary>
    public static Uri BaseAddress(string domain, IReadOnlyCollection<string> insecure)
    {
        var host = domain == DockerHub ? "registry-1.docker.io" : domain;
        var scheme = IsInsecure(domain, insecure) ? "http" : "https";
        return new Uri($"{scheme}://{host}/");
    }

    /// <summary>Plain http: loopback hosts (as Docker allows them) and registries listed as insecure, with or without port.</summary>
    public static bool IsInsecure(string domain, IReadOnlyCollection<string> insecure)
    {
        var normal = Normalize(domain);
        var host = HostOf(normal);
        if (host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)))
        {
            return true;
        }
        return insecure.Select(Normalize).Any(entry => entry == normal || entry == host);
    }

    private static string HostOf(string domain)
    {
        if (domain.StartsWith('['))
        {
            var end = domain.IndexOf(']');
            return end > 0 ? domain[..(end + 1)] : domain;
        }
        var colon = domain.LastIndexOf(':');
        return colon > 0 ? domain[..colon] : domain;
    }
}
