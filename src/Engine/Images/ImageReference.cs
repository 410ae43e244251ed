using System.Text.RegularExpressions;

namespace CorralOS.Engine.Images;

/// <summary>
/// A normalised image reference, parsed as Docker does: "busybox" is docker.io/library/busybox,
/// "user/app:1" is docker.io/user/app:1, "host:5000/app@sha256:..." keeps its registry.
/// </summary>
public sealed partial record ImageReference(string Domain, string Path, string? Tag, Digest? Digest)
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";

    /// <summary>domain/path, without tag or digest.</summary>
    public string Name => $"{Domain}/{Path}";

    public override string ToString() => Name + (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");

    /// <summary>The short form Docker shows: "busybox:latest", "user/app:1", "host:5000/app:1".</summary>
    public string Familiar => FamiliarName + (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");

    public string FamiliarName
    {
        get
        {
            if (Domain != DefaultDomain)
            {
                return Name;
            }
            return Path.StartsWith("library/", StringComparison.Ordinal) && Path.IndexOf('/', 8) < 0 ? Path[8..] : Path;
        }
    }

    /// <summary>The reference with ":latest" added when it has neither tag nor digest.</summary>
    public ImageReference WithDefaultTag() => Tag is null && Digest is null ? this with { Tag = DefaultTag } : this;

    public static bool TryParse(string value, out ImageReference? reference)
    {
        try
        {
            reference = Parse(value);
            return true;
        }
        catch (InvalidArgumentException)
        {
            reference = null;
            return false;
        }
    }

    public static ImageReference Parse(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 255 + 72 + 129)
        {
            throw Invalid(value);
        }
        if (Images.Digest.IsHex64(value))
        {
            throw new InvalidArgumentException($"invalid repository name ({value}), cannot specify 64-byte hexadecimal strings");
        }

        var rest = value;
        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = Images.Digest.TryParse(rest[(at + 1)..], out var d) ? d : throw Invalid(value);
            rest = rest[..at];
        }
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                throw Invalid(value);
            }
        }

        var (domain, path) = SplitDomain(rest);
        if (path.Length == 0 || !domain.Split('.', ':').All(p => p.Length > 0) || !DomainPattern().IsMatch(domain))
        {
            throw Invalid(value);
        }
        foreach (var component in path.Split('/'))
        {
            if (!ComponentPattern().IsMatch(component))
            {
                throw component.Any(char.IsUpper)
                    ? new InvalidArgumentException($"invalid reference format: repository name ({path}) must be lowercase")
                    : Invalid(value);
            }
        }
        if (domain.Length + 1 + path.Length > 255)
        {
            throw new InvalidArgumentException($"invalid reference format: repository name must not be more than 255 characters");
        }
        return new ImageReference(domain, path, tag, digest);
    }

    // Docker's rule: the first component is a registry when it has a '.' or ':' or is "localhost".
    private static (string Domain, string Path) SplitDomain(string name)
    {
        var slash = name.IndexOf('/');
        string domain, path;
        if (slash < 0 || (!name[..slash].Contains('.') && !name[..slash].Contains(':') && name[..slash] != "localhost" && name[..slash].ToLowerInvariant() == name[..slash]))
        {
            domain = DefaultDomain;
            path = name;
        }
        else
        {
            domain = name[..slash];
            path = name[(slash + 1)..];
        }
        if (domain == "index.docker.io")
        {
            domain = DefaultDomain;
        }
        if (domain == DefaultDomain && !path.Contains('/'))
        {
            path = "library/" + path;
        }
        return (domain, path);
    }

    private static InvalidArgumentException Invalid(string value) => new($"invalid reference format: {value}");

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex ComponentPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*(?::[0-9]+)?$")]
    private static partial Regex DomainPattern();
}
