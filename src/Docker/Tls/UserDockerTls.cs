using CorralOS.Config;
using CorralOS.Config.Model;

namespace CorralOS.Docker.Tls;

/// <summary>
/// What `ros user-docker` does before dockerd starts when rancher.docker.tls is true (reference §6.3 "writes TLS files
/// if tls"): the CA (<see cref="DockerTlsGenerator.LoadOrCreateCa"/>) into the server directory; the server pair of
/// rancher.docker.server_cert and server_key, else the one already there when this CA signed it and it names this
/// machine's current host name and addresses, else a new one for them; and a client pair for rancher in ~rancher/.docker unless one of this CA is there, so that
/// `docker --tlsverify -H tcp://127.0.0.1:2376` works in the console without a step of its own.
/// </summary>
public sealed class UserDockerTls(ConfigPaths paths)
{
    public string ServerDirectory { get; init; } = TlsFileNames.ServerDirectory;

    public string ClientDirectory { get; init; } = TlsFileNames.ClientDirectory;

    /// <summary>The client files' owner; rancher by default when root.</summary>
    public (int Uid, int Gid)? ClientOwner { get; init; } = DockerTlsGenerator.RancherOwner();

    /// <summary>Writes what is missing; returns one line per action taken, for the log.</summary>
    public IReadOnlyList<string> Prepare(DockerConfig config, Func<IEnumerable<string>> serverNames)
    {
        var done = new List<string>();
        using var ca = new DockerTlsGenerator(paths).LoadOrCreateCa();
        var server = new TlsFileWriter(ServerDirectory);
        var serverCert = Path.Combine(ServerDirectory, TlsFileNames.ServerCert);
        var serverKey = Path.Combine(ServerDirectory, TlsFileNames.ServerKey);
        PemPair pair;
        if (!string.IsNullOrWhiteSpace(config.ServerCert) && !string.IsNullOrWhiteSpace(config.ServerKey))
        {
            pair = new PemPair(config.ServerCert, config.ServerKey);
            done.Add($"server certificate from {DockerTlsGenerator.ServerCertKey}");
        }
        else
        {
            // The pair already there serves while this CA signed it and it still names this machine: a new DHCP
            // address or host name since it was made gets a new pair, or clients using them would be refused.
            var names = serverNames().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (File.Exists(serverCert) && File.Exists(serverKey) && File.ReadAllText(serverCert) is var existing
                && ca.Signed(existing) && CertificateNames.Covers(existing, names))
            {
                pair = new PemPair(existing, File.ReadAllText(serverKey));
            }
            else
            {
                pair = ca.Issue(CertificateKind.Server, names);
                done.Add($"new server certificate for {string.Join(", ", names)}");
            }
        }
        DockerTlsGenerator.WriteServer(server, ca, pair);

        var clientCa = Path.Combine(ClientDirectory, TlsFileNames.Ca);
        var clientCert = Path.Combine(ClientDirectory, TlsFileNames.ClientCert);
        if (!File.Exists(clientCa) || File.ReadAllText(clientCa) != ca.ToPem().Certificate || !File.Exists(clientCert)
            || !File.Exists(Path.Combine(ClientDirectory, TlsFileNames.ClientKey)) || !ca.Signed(File.ReadAllText(clientCert)))
        {
            DockerTlsGenerator.WriteClient(new TlsFileWriter(ClientDirectory, ClientOwner), ca, ca.Issue(CertificateKind.Client, []));
            done.Add($"new client certificate in {ClientDirectory}");
        }
        return done;
    }
}
