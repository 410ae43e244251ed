namespace CorralOS.CloudInit;

/// <summary>The metadata services' base addresses. The defaults are the real ones; tests pass http://127.0.0.1:port/.</summary>
public sealed record MetadataEndpoints
{
    public Uri Ec2 { get; init; } = new("http://169.254.169.254/");

    public Uri Gce { get; init; } = new("http://metadata.google.internal/");

    public Uri DigitalOcean { get; init; } = new("http://169.254.169.254/");

    public Uri Packet { get; init; } = new("https://metadata.platformequinix.com/");

    public Uri OpenStack { get; init; } = new("http://169.254.169.254/");

    /// <summary>Every endpoint at one base (a local test server serving all clouds' paths).</summary>
    public static MetadataEndpoints At(Uri baseUri) => new() { Ec2 = baseUri, Gce = baseUri, DigitalOcean = baseUri, Packet = baseUri, OpenStack = baseUri };
}
