using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CorralOS.Docker.Tls;

/// <summary>The names and addresses a certificate is valid for (its subject alternative names, which Go's TLS checks).</summary>
public static class CertificateNames
{
    /// <summary>
    /// Whether the certificate holds every one of <paramref name="names"/> (host names without regard to case,
    /// addresses by value); false for a certificate that cannot be read.
    /// </summary>
    public static bool Covers(string certificatePem, IEnumerable<string> names)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            var alternatives = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();
            if (alternatives is null)
            {
                return false;
            }
            var dns = alternatives.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
            var addresses = alternatives.EnumerateIPAddresses().ToHashSet();
            return names.All(name => IPAddress.TryParse(name, out var address) ? addresses.Contains(address) : dns.Contains(name));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
