using System.Text;

namespace CorralOS.Network;

/// <summary>
/// rancher.network.http_proxy, https_proxy and no_proxy as an environment file: KEY=value lines, each variable in
/// upper and lower case (programs read either), the form of docker's --env-file and systemd's EnvironmentFile.
/// Written at every apply, empty when no proxy is set, so a removed proxy does not linger.
/// </summary>
internal static class ProxyEnvironment
{
    public static string Render(NetworkSettings settings)
    {
        var text = new StringBuilder("# Written by netconf from rancher.network.{http_proxy,https_proxy,no_proxy}.\n");
        foreach (var (name, value) in Variables(settings))
        {
            text.Append(name.ToUpperInvariant()).Append('=').Append(value).Append('\n');
            text.Append(name).Append('=').Append(value).Append('\n');
        }
        return text.ToString();
    }

    public static IEnumerable<(string Name, string Value)> Variables(NetworkSettings settings)
    {
        foreach (var (name, value) in new[] { ("http_proxy", settings.HttpProxy), ("https_proxy", settings.HttpsProxy), ("no_proxy", settings.NoProxy) })
        {
            if (value is null)
            {
                continue;
            }
            if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
            {
                throw new NetworkConfigException("network", name, "contains a line break");
            }
            yield return (name, value);
        }
    }

    public static void Write(string path, string content) =>
        NetconfFile.Write(path, content);
}
