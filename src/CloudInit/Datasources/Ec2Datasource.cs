using System.Net;
using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// Amazon EC2's instance metadata service. IMDSv2 first: PUT latest/api/token for a session token sent on every
/// request; a service that answers the PUT with an HTTP error is IMDSv1-only and is then read without a token.
/// </summary>
internal sealed class Ec2Datasource : HttpDatasource
{
    public const string TokenHeader = "X-aws-ec2-metadata-token";
    public const string TtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

    private readonly Uri _base;
    private bool _sessionDecided;

    public Ec2Datasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout)
        : base(name, client, timeout) => _base = baseUri;

    protected override Uri ProbeUrl => Url("latest/meta-data/instance-id");

    public override async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartSessionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DatasourceException)
        {
            return false;
        }
        return await base.IsAvailableAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        await StartSessionAsync(cancellationToken).ConfigureAwait(false);
        var userData = await Http.GetOptionalAsync(Url("latest/user-data"), cancellationToken).ConfigureAwait(false);
        var hostname = await Text("latest/meta-data/local-hostname", cancellationToken).ConfigureAwait(false)
            ?? await Text("latest/meta-data/hostname", cancellationToken).ConfigureAwait(false);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        // public-keys/ lists "0=key-name" lines; each key is at public-keys/0/openssh-key.
        foreach (var line in Lines(await Text("latest/meta-data/public-keys/", cancellationToken).ConfigureAwait(false)))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var index = equals < 0 ? line : line[..equals];
            var name = equals < 0 ? $"ec2-{index}" : line[(equals + 1)..];
            if (await Text($"latest/meta-data/public-keys/{index}/openssh-key", cancellationToken).ConfigureAwait(false) is { } key)
            {
                keys[name] = key;
            }
        }
        var network = new NetworkTree();
        // Each ENI gets DHCP by its MAC, so secondary interfaces come up as well as eth0.
        foreach (var mac in Lines(await Text("latest/meta-data/network/interfaces/macs/", cancellationToken).ConfigureAwait(false)))
        {
            network.Interface($"mac={mac.TrimEnd('/').ToLowerInvariant()}")["dhcp"] = true;
        }
        var instanceType = await Text("latest/meta-data/instance-type", cancellationToken).ConfigureAwait(false);
        return new CloudData(userData, new InstanceMetadata
        {
            Hostname = hostname,
            SshPublicKeys = keys,
            ResizeDevice = RootDevice(instanceType),
            Network = network.Build(),
        });
    }

    /// <summary>Nitro instance types (5th generation on, t3, a1 and later) show their EBS root as NVMe; older Xen ones as xvda.</summary>
    internal static string RootDevice(string? instanceType)
    {
        var family = instanceType?.Split('.')[0] ?? "";
        var generation = family.SkipWhile(char.IsAsciiLetter).TakeWhile(char.IsAsciiDigit).Select(c => c - '0').FirstOrDefault();
        return generation >= 5 || family is "t3" or "t3a" or "t4g" or "a1" || family.StartsWith("i3en", StringComparison.Ordinal)
            ? "/dev/nvme0n1"
            : "/dev/xvda";
    }

    private async Task StartSessionAsync(CancellationToken cancellationToken)
    {
        if (_sessionDecided)
        {
            return;
        }
        var url = Url("latest/api/token");
        using var response = await Http.SendAsync(HttpMethod.Put, url,
            new Dictionary<string, string> { [TtlHeader] = "21600" }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var token = System.Text.Encoding.ASCII.GetString(await Http.ReadAsync(url, response, cancellationToken).ConfigureAwait(false)).Trim();
            Http.Headers[TokenHeader] = token;
        }
        // Any HTTP answer settles it: 200 is IMDSv2, an error status means IMDSv1 only. A connection
        // failure (thrown above) leaves it open for the next attempt.
        _sessionDecided = true;
    }

    private Task<string?> Text(string path, CancellationToken cancellationToken) => TrimmedAsync(Http.GetTextAsync(Url(path), cancellationToken));

    private static async Task<string?> TrimmedAsync(Task<string?> text) => (await text.ConfigureAwait(false))?.Trim() is { Length: > 0 } t ? t : null;

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private Uri Url(string path) => new(_base, path);
}
