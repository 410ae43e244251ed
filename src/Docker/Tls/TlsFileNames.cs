namespace CorralOS.Docker.Tls;

/// <summary>The file names and places RancherOS used (reference §2.1 `ros tls generate`, §3.3 tls_args).</summary>
public static class TlsFileNames
{
    /// <summary>dockerd's side; the built-in tls_args name these files.</summary>
    public const string ServerDirectory = "/etc/docker/tls";

    /// <summary>The docker CLI's default certificate directory for rancher (DOCKER_CERT_PATH's default, ~/.docker).</summary>
    public const string ClientDirectory = "/home/rancher/.docker";

    /// <summary>rancher's uid and gid (the console's passwd): a client's files are rancher's, as RancherOS chowned them.</summary>
    public const int RancherId = 1100;

    public const string Ca = "ca.pem";
    public const string CaKey = "ca-key.pem";
    public const string ServerCert = "server-cert.pem";
    public const string ServerKey = "server-key.pem";
    public const string ClientCert = "cert.pem";
    public const string ClientKey = "key.pem";
}
