namespace CorralOS.Docker.Tls;

/// <summary>What a leaf certificate is for: dockerd's listener (serverAuth) or a client of it (clientAuth).</summary>
public enum CertificateKind
{
    Server,
    Client,
}
