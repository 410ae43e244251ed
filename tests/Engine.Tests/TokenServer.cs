using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Tests;

/// <summary>
/// A small stand-in for a registry's token service (Docker's token auth spec), on 127.0.0.1: it checks Basic
/// credentials and answers a JWT (ES256, the signing certificate in x5c) granting the scope asked for. The
/// registry trusts the certificate through its rootcertbundle. Anonymous requests get 401.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string Service = "corralos-test-registry";
    public const string Issuer = "corralos-test-issuer";

    private readonly HttpListener _listener = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;
    private readonly string _user;
    private readonly string _password;
    private readonly string _dir;

    public TokenServer(string user, string password)
    {
        _user = user;
        _password = password;
        _dir = Directory.CreateTempSubdirectory("corralos-tokens-").FullName;
        var request = new CertificateRequest("CN=corralos test token issuer", _key, HashAlgorithmName.SHA256);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificateFile = Path.Combine(_dir, "tokens.pem");
        File.WriteAllText(CertificateFile, _certificate.ExportCertificatePem());
        var port = FreePort();
        Realm = $"http://127.0.0.1:{port}/token";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public string Realm { get; }

    public string CertificateFile { get; }

    /// <summary>Every token request as "account scope authorized" (e.g. "alice repository:app:pull,push yes").</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

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
            Answer(context);
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var query = context.Request.QueryString;
        var scopes = query.GetValues("scope") ?? [];
        var authorized = Authorized(context.Request.Headers["Authorization"]);
        Requests.Enqueue($"{query["account"]} {string.Join(' ', scopes)} {(authorized ? "yes" : "no")}");
        using var response = context.Response;
        if (!authorized || query["service"] != Service)
        {
            response.StatusCode = 401;
            Write(response, """{"details":"wrong user name or password"}""");
            return;
        }
        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var parts = scope.Split(':');
            access.Add(new JsonObject
            {
                ["type"] = parts[0],
                ["name"] = string.Join(':', parts[1..^1]),
                ["actions"] = new JsonArray(parts[^1].Split(',').Select(a => (JsonNode)a).ToArray()),
            });
        }
        Write(response, new JsonObject { ["token"] = Token(access), ["expires_in"] = 300 }.ToJsonString());
    }

    private bool Authorized(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }
        return Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])) == $"{_user}:{_password}";
    }

    private string Token(JsonArray access)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = _user,
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 60,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signed = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signed + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Write(HttpListenerResponse response, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        _certificate.Dispose();
        _key.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
