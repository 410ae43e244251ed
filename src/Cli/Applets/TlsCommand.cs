using System.CommandLine;
using CorralOS.Config;
using CorralOS.Docker.Tls;

namespace CorralOS.Cli.Applets;

/// <summary>`ros tls generate` (alias gen): User Docker's TLS certificates (docs/user-docker.md, reference §2.1).</summary>
internal static class TlsCommand
{
    public static Applet Create() => new("tls", "TLS certificates for User Docker's TCP socket", command =>
    {
        var server = new Option<bool>("--server", "-s") { Description = "Make dockerd's server certificate (default: a client certificate for rancher)" };
        var hostnames = new Option<string[]>("--hostname", "-H")
        {
            Description = "A host name or IP address the server certificate is for; repeat for more (default: localhost)",
            AllowMultipleArgumentsPerToken = false,
        };
        var dir = new Option<string?>("--dir", "-d")
        {
            Description = $"Where the files go (default: {TlsFileNames.ServerDirectory} with --server, else {TlsFileNames.ClientDirectory})",
        };
        var root = ConfigRoot.Option();
        var generate = new Command("generate",
            "Make a certificate signed by the CA of rancher.docker.ca_cert/ca_key (made and kept there when missing). " +
            $"--server writes {TlsFileNames.Ca}, {TlsFileNames.CaKey}, {TlsFileNames.ServerCert}, {TlsFileNames.ServerKey} and keeps the pair in " +
            $"rancher.docker.server_cert/server_key; a client run writes {TlsFileNames.Ca}, {TlsFileNames.ClientCert}, {TlsFileNames.ClientKey} owned by rancher. " +
            "Keys are mode 0600.")
        {
            server, hostnames, dir, root,
        };
        generate.Aliases.Add("gen");
        generate.SetAction(parse =>
        {
            var paths = ConfigRoot.Paths(parse.GetValue(root));
            var kind = parse.GetValue(server) ? CertificateKind.Server : CertificateKind.Client;
            try
            {
                var written = new DockerTlsGenerator(paths).Generate(kind, parse.GetValue(hostnames) ?? [], parse.GetValue(dir));
                foreach (var file in written)
                {
                    parse.InvocationConfiguration.Output.WriteLine(file);
                }
                return 0;
            }
            catch (ConfigValidationException e)
            {
                foreach (var problem in e.Problems)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"tls: {problem}");
                }
                return 1;
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"tls: {e.Message}");
                return 1;
            }
        });
        command.Subcommands.Add(generate);
    }, OwnName: false);
}
