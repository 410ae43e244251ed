using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace CorralOS.Engine.Api;

/// <summary>
/// API versions. The API is modelled on v1.41; paths may carry any prefix from /v1.24 to /v1.47 (clients pin
/// one), and the prefix is stripped before routing. Every answer carries Docker's identification headers.
/// </summary>
public static partial class ApiVersions
{
    public const string Current = "1.41";
    public const string Minimum = "1.24";
    public const string Maximum = "1.47";

    public static Func<HttpContext, Func<Task>, Task> Middleware(string serverVersion) => (context, next) =>
    {
        var headers = context.Response.Headers;
        headers["API-Version"] = Current;
        headers["Docker-Experimental"] = "false";
        headers["OSType"] = "linux";
        headers["Server"] = $"CorralOS/{serverVersion} (linux)";

        var match = VersionPrefix().Match(context.Request.Path.Value ?? "");
        if (match.Success)
        {
            var version = Version.Parse(match.Groups[1].Value);
            if (version < Version.Parse(Minimum))
            {
                throw new InvalidArgumentException($"client version {match.Groups[1].Value} is too old. Minimum supported API version is {Minimum}, please upgrade your client to a newer version");
            }
            if (version > Version.Parse(Maximum))
            {
                throw new InvalidArgumentException($"client version {match.Groups[1].Value} is too new. Maximum supported API version is {Maximum}");
            }
            context.Request.Path = match.Groups[2].Value;
        }
        return next();
    };

    [GeneratedRegex(@"^/v([0-9]+\.[0-9]+)(/.*)$")]
    private static partial Regex VersionPrefix();
}
