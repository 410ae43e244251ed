using System.Text;
using CorralOS.Engine.Api;
using CorralOS.Engine.Registry;

namespace CorralOS.Engine.Tests;

/// <summary>The registry client's parsing: challenges, X-Registry-Auth, auth files, registry addresses, progress bars.</summary>
public sealed class RegistryUnitTests
{
    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void Challenges_keep_quoted_commas_and_escapes()
    {
        var bearer = AuthChallenge.Parse("Bearer", "realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"");
        Assert.Equal("https://auth.example/token", bearer["realm"]);
        Assert.Equal("registry.example", bearer["service"]);
        Assert.Equal("repository:a/b:pull,push", bearer["scope"]);
        var basic = AuthChallenge.Parse("Basic", "Realm=\"a \\\"quoted\\\" realm\", charset=UTF-8");
        Assert.Equal("a \"quoted\" realm", basic["realm"]);
        Assert.Equal("UTF-8", basic["charset"]);
        Assert.Empty(AuthChallenge.Parse("Basic", null).Parameters);
    }

    [Fact]
    public void X_Registry_Auth_is_base64url_json_padded_or_not()
    {
        Assert.Equal(new RegistryCredentials("u", "p+/?"), RegistryCredentials.FromHeader(Base64Url("""{"username":"u","password":"p+/?"}""")));
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss"));
        Assert.Equal(new RegistryCredentials("alice", "pa:ss"), RegistryCredentials.FromHeader(Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"auth":"{{auth}}","username":"ignored"}"""))));
        Assert.Null(RegistryCredentials.FromHeader("e30="));
        Assert.Null(RegistryCredentials.FromHeader(""));
        Assert.Null(RegistryCredentials.FromHeader(Base64Url("""{"identitytoken":"x"}""")));
        Assert.Throws<InvalidArgumentException>(() => RegistryCredentials.FromHeader("%%%"));
        Assert.Throws<InvalidArgumentException>(() => RegistryCredentials.FromHeader(Base64Url("[1]")));
        Assert.Throws<InvalidArgumentException>(() => RegistryCredentials.FromHeader(Base64Url("""{"auth":"bm9jb2xvbg=="}""")));
    }

    [Fact]
    public void Registry_addresses_http_for_loopback_and_listed_ones_https_else()
    {
        Assert.Equal("https://registry-1.docker.io/", RegistryHosts.BaseAddress("docker.io", []).ToString());
        Assert.Equal("http://localhost:5000/", RegistryHosts.BaseAddress("localhost:5000", []).ToString());
        Assert.Equal("http://127.0.0.1:5000/", RegistryHosts.BaseAddress("127.0.0.1:5000", []).ToString());
        Assert.Equal("http://[::1]:5000/", RegistryHosts.BaseAddress("[::1]:5000", []).ToString());
        Assert.Equal("https://registry.example:5000/", RegistryHosts.BaseAddress("registry.example:5000", []).ToString());
        Assert.True(RegistryHosts.IsInsecure("registry.example:5000", ["registry.example:5000"]));
        Assert.True(RegistryHosts.IsInsecure("registry.example:5000", ["http://registry.example"]));
        Assert.False(RegistryHosts.IsInsecure("registry.example:5000", ["registry.example:5001"]));
        Assert.Equal("docker.io", RegistryHosts.Normalize("https://index.docker.io/v1/"));
        Assert.Equal("host:5000", RegistryHosts.Normalize("HTTP://Host:5000/v2/"));
    }

    [Fact]
    public void Configured_auths_are_a_registry_map_or_a_docker_config()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-auths-").FullName;
        try
        {
            var map = Path.Combine(dir, "map.json");
            File.WriteAllText(map, """{"https://index.docker.io/v1/": {"auth": "dTpw"}, "reg.example:5000": {"username": "a", "password": "b"}}""");
            var settings = new RegistrySettings { AuthFile = map };
            Assert.Equal(new RegistryCredentials("u", "p"), settings.ConfiguredCredentials("docker.io"));
            Assert.Equal(new RegistryCredentials("a", "b"), settings.ConfiguredCredentials("reg.example:5000"));
            Assert.Null(settings.ConfiguredCredentials("reg.example:5001"));

            var config = Path.Combine(dir, "config.json");
            File.WriteAllText(config, """{"auths": {"reg.example": {"auth": "dTpw"}}, "credsStore": "none"}""");
            Assert.Equal(new RegistryCredentials("u", "p"), (settings with { AuthFile = config }).ConfiguredCredentials("reg.example"));

            Assert.Null((settings with { AuthFile = Path.Combine(dir, "absent.json") }).ConfiguredCredentials("docker.io"));
            var broken = Path.Combine(dir, "broken.json");
            File.WriteAllText(broken, "{ not json");
            Assert.Contains("broken.json is not usable", Assert.Throws<InvalidArgumentException>(() => (settings with { AuthFile = broken }).ConfiguredCredentials("docker.io")).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Progress_bars_read_as_docker_s()
    {
        Assert.Equal("[=========================>                        ]    1.5MB/3MB", ProgressWriter.Bar(1_500_000, 3_000_000));
        Assert.Equal("[==================================================]      3MB/3MB", ProgressWriter.Bar(3_000_000, 3_000_000));
        Assert.Equal("512B", ProgressWriter.Bar(512, 0));
        Assert.Equal("1.234kB", ProgressWriter.HumanSize(1234));
    }
}
