using CorralOS.Cli;

namespace CorralOS.Services.Tests;

/// <summary>`ros config validate` reports service field problems along with the schema's, with their positions.</summary>
public sealed class ConfigValidateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Service_mistakes_are_reported_with_the_schema_mistakes()
    {
        var file = Path.Combine(_dir, "cloud-config.yml");
        File.WriteAllText(file, """
            rancher:
              debug: maybe
              services:
                web:
                  image: nginx
                  restart: sometimes
                  ports: ["80:80"]
                  labels: {io.rancher.os.scope: everywhere}
              cloud_init_services:
                ci: {command: [x]}
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = Dispatcher.Run("ros", ["config", "validate", "-i", file], output, error);

        Assert.Equal(1, exit);
        Assert.Equal(
            $"""
            {file}:2:10: rancher.debug: expected a boolean, got string "maybe"
            {file}:6:16: rancher.services.web.restart: expected no, always, unless-stopped or on-failure[:N], got "sometimes"
            {file}:7:7: rancher.services.web.ports: unknown key
            {file}:8:37: rancher.services.web.labels.io.rancher.os.scope: expected system or user, got "everywhere"
            {file}:10:9: rancher.cloud_init_services.ci.image: every service needs an image

            """, error.ToString());
    }
}
