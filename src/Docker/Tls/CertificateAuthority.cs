using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CorralOS.Docker.Tls;

/// <summary>
/// The CA that signs User Docker's server and client certificates (reference §2.1 `ros tls generate`). Keys are ECDSA
/// P-256 (quick to make under emulation, accepted by dockerd's and the CLI's Go TLS); serial numbers are random and
/// positive; leaves carry their names as subjectAltName (Go ignores the common name) and the extended key usage of
/// their kind, so a server certificate cannot authenticate a client and the reverse.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly TimeSpan Backdate = TimeSpan.FromDays(1);

    /// <summary>Ten years: the certificates are made on the machine and there is no renewal.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(3650);

    private readonly X509Certificate2 _certificate;

    private CertificateAuthority(X509Certificate2 certificate) => _certificate = certificate;

    /// <summary>A new self-signed CA.</summary>
    public static CertificateAuthority Create(string commonName = "CorralOS User Docker CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var signed = request.CreateSelfSigned(now - Backdate, now + Lifetime);
        return new CertificateAuthority(Reload(signed.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem()));
    }

    /// <summary>A CA from its PEM certificate and key (rancher.docker.ca_cert and ca_key, or ca.pem and ca-key.pem).</summary>
    public static CertificateAuthority FromPem(string certificate, string key)
    {
        var loaded = Reload(certificate, key);
        if (loaded.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            loaded.Dispose();
            throw new ArgumentException("rancher.docker.ca_cert is not a CA certificate (no basicConstraints CA:TRUE)");
        }
        return new CertificateAuthority(loaded);
    }

    public PemPair ToPem() => new(_certificate.ExportCertificatePem(), ExportKey(_certificate));

    /// <summary>
    /// A leaf certificate signed by this CA for <paramref name="names"/> (DNS names and IP addresses, in order,
    /// duplicates dropped); its common name is the first name, or "client" for a client without names.
    /// </summary>
    public PemPair Issue(CertificateKind kind, IEnumerable<string> names)
    {
        var distinct = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (kind == CertificateKind.Server && distinct.Count == 0)
        {
            throw new ArgumentException("a server certificate needs at least one host name or address");
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var commonName = distinct.FirstOrDefault() ?? "client";
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [kind == CertificateKind.Server ? new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication") : new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // A CA made elsewhere may lack a subject key identifier; the authority key identifier is optional then.
        if (_certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any())
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        }
        if (distinct.Count > 0)
        {
            var alternatives = new SubjectAlternativeNameBuilder();
            foreach (var name in distinct)
            {
                if (IPAddress.TryParse(name, out var address))
                {
                    alternatives.AddIpAddress(address);
                }
                else
                {
                    alternatives.AddDnsName(name);
                }
            }
            request.CertificateExtensions.Add(alternatives.Build());
        }
        var now = DateTimeOffset.UtcNow;
        var notAfter = now + Lifetime < _certificate.NotAfter ? now + Lifetime : new DateTimeOffset(_certificate.NotAfter.ToUniversalTime());
        using var caEc = _certificate.GetECDsaPrivateKey();
        using var caRsa = caEc is null ? _certificate.GetRSAPrivateKey() : null;
        // The CA's key signs: ECDSA as made here, or RSA as a CA brought in cloud-config may be.
        var generator = caEc is not null ? X509SignatureGenerator.CreateForECDsa(caEc)
            : caRsa is not null ? X509SignatureGenerator.CreateForRSA(caRsa, RSASignaturePadding.Pkcs1)
            : throw new ArgumentException("rancher.docker.ca_key is neither an ECDSA nor an RSA key");
        using var issued = request.Create(_certificate.SubjectName, generator, now - Backdate, notAfter, Serial());
        return new PemPair(issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>True when <paramref name="certificatePem"/> was signed by this CA (same issuer name and a valid signature).</summary>
    public bool Signed(string certificatePem)
    {
        try
        {
            using var leaf = X509Certificate2.CreateFromPem(certificatePem);
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_certificate);
            return chain.Build(leaf);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _certificate.Dispose();

    private static X509Certificate2 Reload(string certificate, string key)
    {
        try
        {
            return X509Certificate2.CreateFromPem(certificate, key);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"rancher.docker.ca_cert and ca_key do not load as a certificate and its key: {e.Message}", e);
        }
    }

    private static string ExportKey(X509Certificate2 certificate)
    {
        using var ec = certificate.GetECDsaPrivateKey();
        if (ec is not null)
        {
            return ec.ExportPkcs8PrivateKeyPem();
        }
        using var rsa = certificate.GetRSAPrivateKey();
        return rsa?.ExportPkcs8PrivateKeyPem() ?? throw new ArgumentException("rancher.docker.ca_key is neither an ECDSA nor an RSA key");
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        serial[0] |= 0x01; // no leading zero byte to strip
        return serial;
    }

    private static string Escape(string name) => name.Replace("\"", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal)
        .Replace("=", "", StringComparison.Ordinal).Replace("+", "", StringComparison.Ordinal);
}
