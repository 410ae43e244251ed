using System.Net;
using System.Security.Cryptography.X509Certificates;
using CorralOS.Testing;

namespace CorralOS.Cli.Tests;

/// <summary>
/// `ros tls generate` in-process against a temporary config root; the results checked with X509Chain and with
/// OpenSSL's own verifier (`openssl verify -purpose`), a second implementation of the rules dockerd's Go TLS applies.
/// </summary>
public sealed class TlsCommandTests : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly string _root = Directory.CreateTempSubdirectory("corralos-ros-tls-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    private (int Exit, string Output, string Error) Ros(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Dispatcher.Run("ros", ["tls", .. args, "--root", _root], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string CloudConfig => File.ReadAllText(Path.Combine(_root, "var/lib/rancher/conf/cloud-config.yml"));

    private static bool Validates(string caFile, string leafFile, string purpose)
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        using var leaf = X509CertificateLoader.LoadCertificateFromFile(leafFile);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(purpose));
        return chain.Build(leaf);
    }

    private static async Task<(int Code, string Output)> OpensslVerifyAsync(string caFile, string leafFile, string purpose) =>
        await Tools.RunAsync("openssl", ["verify", "-CAfile", caFile, "-purpose", purpose, leafFile], CancellationToken.None);

    [Fact]
    public async Task Server_generate_writes_the_ca_and_a_server_pair_for_the_names_given_and_keeps_them_in_config()
    {
        var dir = Dir("server");
        var (exit, output, error) = Ros("generate", "-s", "-H", "docker.example", "--hostname", "10.1.2.3", "-d", dir);
        Assert.True(exit == 0, error);
        Assert.Equal(["ca.pem", "ca-key.pem", "server-cert.pem", "server-key.pem"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileName));
        foreach (var key in new[] { "ca-key.pem", "server-key.pem" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, key)));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path.Combine(dir, "server-cert.pem")));
        Assert.Empty(Directory.GetFiles(dir, ".*")); // no temporary left behind

        var ca = Path.Combine(dir, "ca.pem");
        var cert = Path.Combine(dir, "server-cert.pem");
        Assert.True(Validates(ca, cert, ServerAuth));
        Assert.False(Validates(ca, cert, ClientAuth));
        Assert.Equal(0, (await OpensslVerifyAsync(ca, cert, "sslserver")).Code);
        Assert.NotEqual(0, (await OpensslVerifyAsync(ca, cert, "sslclient")).Code);

        using var server = X509Certificate2.CreateFromPemFile(cert, Path.Combine(dir, "server-key.pem"));
        Assert.True(server.HasPrivateKey);
        var alternatives = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["docker.example"], alternatives.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.1.2.3")], alternatives.EnumerateIPAddresses());
        var usage = server.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature));
        Assert.False(usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.False(server.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        using var authority = X509CertificateLoader.LoadCertificateFromFile(ca);
        Assert.True(authority.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(authority.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));

        // As RancherOS: the CA and the server pair are kept in cloud-config.yml (0600), so boots serve them.
        var config = CloudConfig;
        foreach (var key in new[] { "ca_cert:", "ca_key:", "server_cert:", "server_key:" })
        {
            Assert.Contains(key, config, StringComparison.Ordinal);
        }
        Assert.Contains(File.ReadAllText(cert).Split('\n')[1], config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_generate_uses_the_ca_kept_by_the_server_run_and_writes_rancher_s_three_files()
    {
        Assert.Equal(0, Ros("generate", "--server", "-d", Dir("server")).Exit);
        var client = Dir("home/rancher/.docker");
        var (exit, output, error) = Ros("gen", "-d", client);
        Assert.True(exit == 0, error);
        Assert.Equal(["ca.pem", "cert.pem", "key.pem"], Directory.GetFiles(client).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(3, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(File.ReadAllText(Path.Combine(Dir("server"), "ca.pem")), File.ReadAllText(Path.Combine(client, "ca.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(client, "key.pem")));
        Assert.Equal((1100, 1100), Linux.SpecialFiles.Owner(Path.Combine(client, "key.pem")));
        Assert.Equal((1100, 1100), Linux.SpecialFiles.Owner(client));

        var ca = Path.Combine(client, "ca.pem");
        var cert = Path.Combine(client, "cert.pem");
        Assert.True(Validates(ca, cert, ClientAuth));
        Assert.False(Validates(ca, cert, ServerAuth));
        Assert.Equal(0, (await OpensslVerifyAsync(ca, cert, "sslclient")).Code);
        // The server run's default name is localhost.
        using var server = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Dir("server"), "server-cert.pem"));
        Assert.Equal(["localhost"], server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public void A_client_run_first_makes_the_ca_and_the_next_runs_reuse_it()
    {
        Assert.Equal(0, Ros("generate", "-d", Dir("a")).Exit);
        Assert.Equal(0, Ros("generate", "-d", Dir("b")).Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(Dir("a"), "ca.pem")), File.ReadAllText(Path.Combine(Dir("b"), "ca.pem")));
        Assert.NotEqual(File.ReadAllText(Path.Combine(Dir("a"), "cert.pem")), File.ReadAllText(Path.Combine(Dir("b"), "cert.pem")));
        Assert.DoesNotContain("server_cert", CloudConfig, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_in_config_that_is_not_a_ca_is_refused_in_one_line()
    {
        Assert.Equal(0, Ros("generate", "-s", "-d", Dir("server")).Exit);
        var configPath = Path.Combine(_root, "var/lib/rancher/conf/cloud-config.yml");
        // Put the server pair where the CA belongs.
        var yaml = CloudConfig.Replace("ca_cert:", "old_ca_cert:", StringComparison.Ordinal).Replace("ca_key:", "old_ca_key:", StringComparison.Ordinal)
            .Replace("server_cert:", "ca_cert:", StringComparison.Ordinal).Replace("server_key:", "ca_key:", StringComparison.Ordinal);
        File.WriteAllText(configPath, yaml.Replace("old_ca_cert:", "server_cert:", StringComparison.Ordinal).Replace("old_ca_key:", "server_key:", StringComparison.Ordinal));
        var (exit, _, error) = Ros("generate", "-d", Dir("client"));
        Assert.Equal(1, exit);
        Assert.Equal("ros: rancher.docker.ca_cert is not a CA certificate (no basicConstraints CA:TRUE)\n", error);
    }

    [Fact]
    public void Help_names_every_option_and_the_files()
    {
        var (exit, output, _) = Ros("generate", "--help");
        Assert.Equal(0, exit);
        foreach (var text in new[] { "-s, --server", "-H, --hostname", "-d, --dir", "/etc/docker/tls", "/home/rancher/.docker", "server-cert.pem", "key.pem", "rancher.docker.ca_cert" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("--root", output, StringComparison.Ordinal);
    }
}
