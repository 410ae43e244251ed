using System.Diagnostics;
using System.Net;
using System.Text;

namespace CorralOS.Cli.Tests;

/// <summary>
/// cloud-init-save in the NativeAOT binary (dist/ros): the clouds' JSON is read with source-generated code, which only
/// this binary proves. The metadata service is an HttpListener on 127.0.0.1.
/// </summary>
public sealed class PublishedCloudInitSaveTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-aot-cloud-init-").FullName;
    private readonly HttpListener _listener = new();
    private readonly Uri _base;

    public PublishedCloudInitSaveTests()
    {
        _base = new Uri($"http://127.0.0.1:{Testing.FreePorts.Next()}/");
        _listener.Prefixes.Add(_base.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _listener.Close();
        Directory.Delete(_root, recursive: true);
    }

    private const string Gce = """
        {"instance": {"hostname": "aot.c.p.internal", "attributes": {"ssh-keys": "me:ssh-ed25519 AAAAC3NzaAot me", "user-data": "#cloud-config\nrancher:\n  debug: true\n"}},
         "project": {"attributes": {}}}
        """;

    private const string DigitalOcean = """
        {"hostname": "aot-droplet", "public_keys": ["ssh-rsa AAAAB3Aot do"],
         "interfaces": {"public": [{"mac": "04:01:2a:0f:2a:01", "ipv4": {"ip_address": "192.0.2.10", "netmask": "255.255.255.0", "gateway": "192.0.2.1"}}]},
         "dns": {"nameservers": ["192.0.2.53"]}}
        """;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var path = context.Request.Url!.PathAndQuery;
            var google = context.Request.Headers["Metadata-Flavor"] == "Google";
            var (status, body) = path switch
            {
                "/computeMetadata/v1/" when google => (200, "instance/\n"),
                "/computeMetadata/v1/?recursive=true" when google => (200, Gce),
                "/metadata/v1.json" => (200, DigitalOcean),
                _ => (404, ""),
            };
            context.Response.StatusCode = status;
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int Exit, string Output, string Error) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["cloud-init-save", "--root", _root, "--sys", Path.Combine(_root, "sys"), "--metadata-url", _base.ToString(), "--timeout", "20", .. args])
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "cloud-init-save did not finish");
        return (process.ExitCode, output.Result, error);
    }

    private string Conf(string relative) => File.ReadAllText(Path.Combine(_root, "var/lib/rancher/conf", relative));

    [Fact]
    public void Gce_recursive_json_is_read_by_the_aot_binary()
    {
        var (exit, _, error) = Run("-d", "gce");

        Assert.True(exit == 0, error);
        Assert.Equal("hostname: aot.c.p.internal\nssh_public_keys:\n  instance-000-me: ssh-ed25519 AAAAC3NzaAot me\n", Conf("metadata"));
        Assert.Equal("#cloud-config\nrancher:\n  debug: true\n", Conf("cloud-config.d/boot.yml"));
    }

    [Fact]
    public void DigitalOcean_json_gives_network_yml_in_the_aot_binary()
    {
        var (exit, _, error) = Run("-d", "digitalocean");

        Assert.True(exit == 0, error);
        Assert.Contains("hostname: aot-droplet\n", Conf("metadata"), StringComparison.Ordinal);
        Assert.Equal(
            "# rancher.network from the digitalocean metadata; cloud-init-save rewrites this file at every boot.\n"
            + "rancher:\n  network:\n    interfaces:\n      eth0:\n        match: mac=04:01:2a:0f:2a:01\n        addresses:\n        - 192.0.2.10/24\n"
            + "        gateway: 192.0.2.1\n    dns:\n      nameservers:\n      - 192.0.2.53\n",
            Conf("cloud-config.d/network.yml"));
    }
}
