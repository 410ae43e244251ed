using System.Net;

namespace CorralOS.CloudInit.Tests;

/// <summary>GCE's computeMetadata/v1 with recursive JSON; the Metadata-Flavor: Google header is required.</summary>
public sealed class GceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static LocalServer Server(string fixture = "gce/recursive.json") => new(request =>
    {
        if (request.Headers.GetValueOrDefault("Metadata-Flavor") != "Google")
        {
            return Answer.Code(403); // what GCE answers without the header
        }
        return request.PathAndQuery switch
        {
            "/computeMetadata/v1/" => Answer.Ok("instance/\nproject/\n"),
            "/computeMetadata/v1/?recursive=true" => Fixture.Ok(fixture),
            _ => Answer.Code(404),
        };
    });

    [Fact]
    public async Task The_fixture_service_refuses_requests_without_the_header()
    {
        await using var server = Server();
        Assert.Equal(HttpStatusCode.Forbidden, await server.PlainGetStatusAsync("computeMetadata/v1/?recursive=true"));
    }

    [Fact]
    public async Task Recursive_metadata_gives_hostname_user_data_and_instance_and_project_keys()
    {
        await using var server = Server();

        var data = await Options.FetchAsync("gce", Options.For(_dir, server));

        Assert.Equal("corral-1.c.my-project.internal", data.Metadata.Hostname);
        Assert.Equal("#cloud-config\nhostname: gce-from-user-data\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
        // Sorted by name: instance keys first (in their order), then the project's.
        Assert.Equal(
            [
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGceInstanceKey rancher@laptop",
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABGceInstanceKey2 ops@desk",
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABGceProjectKey admin@corp",
            ],
            data.Metadata.SshPublicKeys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value));
        Assert.All(server.Requests, r => Assert.Equal("Google", r.Headers["Metadata-Flavor"]));
    }

    [Fact]
    public async Task Block_project_ssh_keys_leaves_project_keys_out_and_startup_script_is_the_fallback()
    {
        var text = Fixture.Text("gce/recursive.json")
            .Replace("\"block-project-ssh-keys\": \"false\"", "\"block-project-ssh-keys\": \"TRUE\"", StringComparison.Ordinal)
            .Replace("\"user-data\": \"#cloud-config\\nhostname: gce-from-user-data\\n\"", "\"x\": \"\"", StringComparison.Ordinal);
        Assert.DoesNotContain("gce-from-user-data", text, StringComparison.Ordinal);
        var fixture = _dir.Write("gce.json", text);
        await using var server = new LocalServer(request => request.Headers.ContainsKey("Metadata-Flavor")
            ? request.PathAndQuery.EndsWith("recursive=true", StringComparison.Ordinal) ? Answer.Ok(File.ReadAllBytes(fixture)) : Answer.Ok("instance/\n")
            : Answer.Code(403));

        var data = await Options.FetchAsync("gce", Options.For(_dir, server));

        Assert.Equal(2, data.Metadata.SshPublicKeys.Count);
        Assert.DoesNotContain(data.Metadata.SshPublicKeys.Values, k => k.Contains("GceProjectKey", StringComparison.Ordinal));
        Assert.StartsWith("#!/bin/sh\n", System.Text.Encoding.UTF8.GetString(data.UserData!), StringComparison.Ordinal);
    }
}
