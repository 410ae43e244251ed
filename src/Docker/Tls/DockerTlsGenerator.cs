using CorralOS.Config;
using CorralOS.Linux;

namespace CorralOS.Docker.Tls;

/// <summary>
/// `ros tls generate` (reference §2.1): the CA comes from rancher.docker.ca_cert and ca_key, or is made once and kept
/// there (cloud-config.yml, on the state disk when there is one), so every certificate made later on this machine
/// chains to the same CA. A server run writes ca.pem, ca-key.pem, server-cert.pem and server-key.pem (default
/// /etc/docker/tls) and keeps the server pair in rancher.docker.server_cert and server_key, as RancherOS did, so
/// User Docker serves it at every boot; a client run writes ca.pem, cert.pem and key.pem (default ~rancher/.docker),
/// rancher's. The CA key is never written to a client directory.
/// </summary>
public sealed class DockerTlsGenerator(ConfigPaths paths)
{
    public const string CaCertKey = "rancher.docker.ca_cert";
    public const string CaKeyKey = "rancher.docker.ca_key";
    public const string ServerCertKey = "rancher.docker.server_cert";
    public const string ServerKeyKey = "rancher.docker.server_key";

    /// <summary>The host names a server certificate gets when none are given (RancherOS's default).</summary>
    public static IReadOnlyList<string> DefaultHostNames { get; } = ["localhost"];

    /// <summary>Makes the certificate of <paramref name="kind"/>; returns the files written.</summary>
    public IReadOnlyList<string> Generate(CertificateKind kind, IReadOnlyList<string> names, string? directory)
    {
        using var ca = LoadOrCreateCa();
        if (kind == CertificateKind.Server)
        {
            var pair = ca.Issue(kind, names.Count > 0 ? names : DefaultHostNames);
            var written = WriteServer(new TlsFileWriter(directory ?? TlsFileNames.ServerDirectory), ca, pair);
            new CloudConfigStore(paths).Update(tree =>
            {
                ConfigTree.Set(tree, ServerCertKey, pair.Certificate);
                ConfigTree.Set(tree, ServerKeyKey, pair.Key);
            });
            return written;
        }
        return WriteClient(new TlsFileWriter(directory ?? TlsFileNames.ClientDirectory, RancherOwner()), ca, ca.Issue(kind, names));
    }

    /// <summary>The CA of rancher.docker.ca_cert and ca_key; a new one, kept there, when they are not set.</summary>
    public CertificateAuthority LoadOrCreateCa()
    {
        var config = new ConfigLoader(paths).Load().ModelOf("rancher.docker").Rancher?.Docker;
        if (!string.IsNullOrWhiteSpace(config?.CaCert) && !string.IsNullOrWhiteSpace(config.CaKey))
        {
            return CertificateAuthority.FromPem(config.CaCert, config.CaKey);
        }
        var created = CertificateAuthority.Create();
        var pem = created.ToPem();
        new CloudConfigStore(paths).Update(tree =>
        {
            ConfigTree.Set(tree, CaCertKey, pem.Certificate);
            ConfigTree.Set(tree, CaKeyKey, pem.Key);
        });
        return created;
    }

    internal static IReadOnlyList<string> WriteServer(TlsFileWriter writer, CertificateAuthority ca, PemPair server)
    {
        var pem = ca.ToPem();
        return
        [
            writer.Certificate(TlsFileNames.Ca, pem.Certificate),
            writer.Key(TlsFileNames.CaKey, pem.Key),
            writer.Certificate(TlsFileNames.ServerCert, server.Certificate),
            writer.Key(TlsFileNames.ServerKey, server.Key),
        ];
    }

    internal static IReadOnlyList<string> WriteClient(TlsFileWriter writer, CertificateAuthority ca, PemPair client) =>
    [
        writer.Certificate(TlsFileNames.Ca, ca.ToPem().Certificate),
        writer.Certificate(TlsFileNames.ClientCert, client.Certificate),
        writer.Key(TlsFileNames.ClientKey, client.Key),
    ];

    /// <summary>rancher owns a client's files when we may chown (root); a run as a user keeps its own.</summary>
    internal static (int, int)? RancherOwner() => SpecialFiles.IsRoot ? (TlsFileNames.RancherId, TlsFileNames.RancherId) : null;
}
