using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CorralOS.Config;
using CorralOS.Config.Model;
using CorralOS.Docker.Tls;

namespace CorralOS.Docker.Tests;

/// <summary>
/// What `ros user-docker` writes before dockerd starts with rancher.docker.tls (docs/user-docker.md), in a temporary
/// root, and a real mutual TLS handshake (SslStream on loopback) between the server and client pairs it made.
/// </summary>
public sealed class UserDockerTlsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-user-docker-tls-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Server => Path.Combine(_root, "etc/docker/tls");

    private string Client => Path.Combine(_root, "home/rancher/.docker");

    private UserDockerTls Tls => new(new ConfigPaths(_root)) { ServerDirectory = Server, ClientDirectory = Client };

    private DockerConfig Config() => new ConfigLoader(new ConfigPaths(_root)).Load().Model.Rancher!.Docker!;

    private static string[] Names() => ["corral", "localhost", "127.0.0.1", "10.0.2.15"];

    [Fact]
    public void Boot_makes_the_ca_kept_in_config_a_server_certificate_for_the_machine_and_rancher_s_client_files()
    {
        var done = Tls.Prepare(Config(), Names);
        Assert.Equal(["new server certificate for corral, localhost, 127.0.0.1, 10.0.2.15", $"new client certificate in {Client}"], done);

        var config = Config();
        Assert.Equal(config.CaCert?.Trim(), File.ReadAllText(Path.Combine(Server, "ca.pem")).Trim());
        Assert.Equal(config.CaKey?.Trim(), File.ReadAllText(Path.Combine(Server, "ca-key.pem")).Trim());
        Assert.Equal(config.CaCert?.Trim(), File.ReadAllText(Path.Combine(Client, "ca.pem")).Trim());
        Assert.Null(config.ServerCert); // made per boot for the names of the day, not kept
        Assert.Equal(["ca-key.pem", "ca.pem", "server-cert.pem", "server-key.pem"], Directory.GetFiles(Server).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["ca.pem", "cert.pem", "key.pem"], Directory.GetFiles(Client).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Server, "server-key.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Client, "key.pem")));
        Assert.Equal((1100, 1100), Linux.SpecialFiles.Owner(Path.Combine(Client, "key.pem")));
        Assert.Equal((1100, 1100), Linux.SpecialFiles.Owner(Client));

        using var server = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Server, "server-cert.pem"));
        var alternatives = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["corral", "localhost"], alternatives.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("10.0.2.15")], alternatives.EnumerateIPAddresses());
    }

    [Fact]
    public void A_second_boot_keeps_the_server_certificate_and_the_client_files()
    {
        Tls.Prepare(Config(), Names);
        var serverCert = File.ReadAllText(Path.Combine(Server, "server-cert.pem"));
        var clientCert = File.ReadAllText(Path.Combine(Client, "cert.pem"));
        Assert.Empty(Tls.Prepare(Config(), () => ["CORRAL", "localhost", "127.0.0.1", "10.0.2.15", "corral"]));
        Assert.Equal(serverCert, File.ReadAllText(Path.Combine(Server, "server-cert.pem")));
        Assert.Equal(clientCert, File.ReadAllText(Path.Combine(Client, "cert.pem")));
    }

    [Fact]
    public void A_new_address_since_the_last_boot_gets_a_new_server_certificate_for_it()
    {
        Tls.Prepare(Config(), Names);
        var clientCert = File.ReadAllText(Path.Combine(Client, "cert.pem"));

        var done = Tls.Prepare(Config(), () => ["corral", "localhost", "127.0.0.1", "10.0.2.16"]);

        Assert.Equal(["new server certificate for corral, localhost, 127.0.0.1, 10.0.2.16"], done);
        using var server = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Server, "server-cert.pem"));
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("10.0.2.16")], server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
        Assert.Equal(clientCert, File.ReadAllText(Path.Combine(Client, "cert.pem"))); // same CA: the client pair stays
    }

    [Fact]
    public void Certificates_from_config_are_served_and_a_new_ca_replaces_stale_client_files()
    {
        Tls.Prepare(Config(), Names);
        var oldClient = File.ReadAllText(Path.Combine(Client, "cert.pem"));
        // Another CA and a server pair it signed, given in cloud-config as RancherOS users did.
        using var other = CertificateAuthority.Create("other CA");
        var pem = other.ToPem();
        var pair = other.Issue(CertificateKind.Server, ["docker.example"]);
        new CloudConfigStore(new ConfigPaths(_root)).Update(tree =>
        {
            ConfigTree.Set(tree, "rancher.docker.ca_cert", pem.Certificate);
            ConfigTree.Set(tree, "rancher.docker.ca_key", pem.Key);
            ConfigTree.Set(tree, "rancher.docker.server_cert", pair.Certificate);
            ConfigTree.Set(tree, "rancher.docker.server_key", pair.Key);
        });
        var done = Tls.Prepare(Config(), Names);
        Assert.Equal(["server certificate from rancher.docker.server_cert", $"new client certificate in {Client}"], done);
        Assert.Equal(pair.Certificate, File.ReadAllText(Path.Combine(Server, "server-cert.pem")));
        Assert.Equal(pem.Certificate, File.ReadAllText(Path.Combine(Client, "ca.pem")));
        Assert.NotEqual(oldClient, File.ReadAllText(Path.Combine(Client, "cert.pem")));
        Assert.True(other.Signed(File.ReadAllText(Path.Combine(Client, "cert.pem"))));
    }

    [Fact]
    public void An_rsa_ca_from_config_signs_the_certificates()
    {
        // RancherOS-era cloud-configs carry RSA CAs (made with openssl).
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest("CN=rsa ca", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        new CloudConfigStore(new ConfigPaths(_root)).Update(tree =>
        {
            ConfigTree.Set(tree, "rancher.docker.ca_cert", self.ExportCertificatePem());
            ConfigTree.Set(tree, "rancher.docker.ca_key", rsa.ExportRSAPrivateKeyPem());
        });
        Tls.Prepare(Config(), Names);
        Assert.Equal(self.ExportCertificatePem(), File.ReadAllText(Path.Combine(Server, "ca.pem")));
        using var ca = CertificateAuthority.FromPem(self.ExportCertificatePem(), rsa.ExportRSAPrivateKeyPem());
        Assert.True(ca.Signed(File.ReadAllText(Path.Combine(Server, "server-cert.pem"))));
        Assert.True(ca.Signed(File.ReadAllText(Path.Combine(Client, "cert.pem"))));
    }

    [Fact]
    public async Task The_server_and_client_pairs_complete_a_mutual_tls_handshake_and_a_stranger_is_refused()
    {
        Tls.Prepare(Config(), Names);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Server, "ca.pem"));
        using var server = Load(Path.Combine(Server, "server-cert.pem"), Path.Combine(Server, "server-key.pem"));
        using var client = Load(Path.Combine(Client, "cert.pem"), Path.Combine(Client, "key.pem"));
        await HandshakeAsync(ca, server, client);

        // A client certificate from another CA is refused by the server's verification.
        using var stranger = CertificateAuthority.Create("stranger");
        var strangerPair = stranger.Issue(CertificateKind.Client, []);
        using var strangerClient = X509Certificate2.CreateFromPem(strangerPair.Certificate, strangerPair.Key);
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(ca, server, strangerClient));
        // The server's own pair cannot act as a client: it has serverAuth only.
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(ca, server, server));
    }

    // PKCS#12 round trip: on Linux SslStream wants a certificate whose key it can hand to OpenSSL as a whole.
    private static X509Certificate2 Load(string certificate, string key)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificate, key);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static X509ChainPolicy Trusting(X509Certificate2 ca)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca);
        return policy;
    }

    private static async Task HandshakeAsync(X509Certificate2 ca, X509Certificate2 serverCertificate, X509Certificate2 clientCertificate)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverSide = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync(cancel);
            await using var tls = new SslStream(accepted.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateRequired = true,
                CertificateChainPolicy = Trusting(ca),
            }, cancel);
            await tls.WriteAsync("ok"u8.ToArray(), cancel);
        }, cancel);
        using var connection = new TcpClient();
        await connection.ConnectAsync(IPAddress.Loopback, port, cancel);
        await using var stream = new SslStream(connection.GetStream());
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = [clientCertificate],
                CertificateChainPolicy = Trusting(ca),
            }, cancel);
            var buffer = new byte[2];
            await stream.ReadExactlyAsync(buffer, cancel);
            Assert.Equal("ok"u8.ToArray(), buffer);
        }
        finally
        {
            connection.Close();
            await serverSide;
        }
    }
}
