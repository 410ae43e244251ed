using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CorralOS.Engine.Images;

/// <summary>A sha256 content digest, "sha256:" followed by 64 lowercase hex digits (the only algorithm stored).</summary>
public readonly partial record struct Digest
{
    private Digest(string hex) => Hex = hex;

    public string Hex { get; }

    public override string ToString() => "sha256:" + Hex;

    /// <summary>The 12-digit short form Docker prints.</summary>
    public string Short => Hex[..12];

    public static Digest FromHex(string hex) =>
        IsHex64(hex) ? new Digest(hex) : throw new InvalidArgumentException($"invalid digest: {hex}");

    public static Digest Parse(string value)
    {
        if (TryParse(value, out var digest))
        {
            return digest;
        }
        throw new InvalidArgumentException($"invalid digest: {value} (only sha256 is supported)");
    }

    public static bool TryParse(string? value, out Digest digest)
    {
        digest = default;
        if (value is null || !value.StartsWith("sha256:", StringComparison.Ordinal) || !IsHex64(value[7..]))
        {
            return false;
        }
        digest = new Digest(value[7..]);
        return true;
    }

    public static Digest Of(ReadOnlySpan<byte> content) => new(Convert.ToHexStringLower(SHA256.HashData(content)));

    public static Digest FromHash(byte[] sha256) => new(Convert.ToHexStringLower(sha256));

    public static bool IsHex64(string value) => value.Length == 64 && HexPattern().IsMatch(value);

    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex HexPattern();
}
