using System.Security.Cryptography;
using System.Text;

namespace CorralOS.Console;

/// <summary>
/// The SHA-512 crypt(3) scheme ($6$salt$hash, Ulrich Drepper's specification), which /etc/shadow, login, su and
/// sshd's password check read. Busybox in the console has no chpasswd, so console-init hashes itself.
/// </summary>
public static class Sha512Crypt
{
    private const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int Rounds = 5000;

    // The byte order in which the final 64 bytes are encoded, three at a time (from the specification).
    private static readonly int[] s_order =
    [
        0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51,
        31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60,
        40, 61, 19, 62, 20, 41,
    ];

    /// <summary>A hash with a fresh random 16-character salt.</summary>
    public static string Hash(string password) => Hash(password, RandomSalt());

    public static string Hash(string password, string salt)
    {
        salt = salt.Length > 16 ? salt[..16] : salt;
        var p = Encoding.UTF8.GetBytes(password);
        var s = Encoding.UTF8.GetBytes(salt);

        var b = SHA512.HashData([.. p, .. s, .. p]);
        var a = new List<byte>(p.Length * 3);
        a.AddRange(p);
        a.AddRange(s);
        a.AddRange(Repeat(b, p.Length));
        for (var length = p.Length; length > 0; length >>= 1)
        {
            a.AddRange((length & 1) != 0 ? b : p);
        }
        var digestA = SHA512.HashData(a.ToArray());

        var dp = SHA512.HashData(Concat(p, p.Length));
        var pSequence = Repeat(dp, p.Length);
        var ds = SHA512.HashData(Concat(s, 16 + digestA[0]));
        var sSequence = Repeat(ds, s.Length);

        var c = digestA;
        for (var round = 0; round < Rounds; round++)
        {
            var input = new List<byte>(256);
            input.AddRange((round & 1) != 0 ? pSequence : c);
            if (round % 3 != 0)
            {
                input.AddRange(sSequence);
            }
            if (round % 7 != 0)
            {
                input.AddRange(pSequence);
            }
            input.AddRange((round & 1) != 0 ? c : pSequence);
            c = SHA512.HashData(input.ToArray());
        }

        var text = new StringBuilder("$6$").Append(salt).Append('$');
        for (var i = 0; i < 63; i += 3)
        {
            Encode(text, (c[s_order[i]] << 16) | (c[s_order[i + 1]] << 8) | c[s_order[i + 2]], 4);
        }
        Encode(text, c[63], 2);
        return text.ToString();
    }

    /// <summary>True when <paramref name="password"/> hashes to <paramref name="hash"/> with the hash's own salt.</summary>
    public static bool Verify(string password, string hash)
    {
        var parts = hash.Split('$');
        return parts is ["", "6", var salt, _] && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Hash(password, salt)), Encoding.ASCII.GetBytes(hash));
    }

    private static byte[] Concat(byte[] bytes, int times)
    {
        var result = new byte[bytes.Length * times];
        for (var i = 0; i < times; i++)
        {
            bytes.CopyTo(result, i * bytes.Length);
        }
        return result;
    }

    // The first `length` bytes of the digest repeated.
    private static byte[] Repeat(byte[] digest, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = digest[i % digest.Length];
        }
        return result;
    }

    private static void Encode(StringBuilder text, int value, int characters)
    {
        for (var i = 0; i < characters; i++)
        {
            text.Append(Alphabet[value & 0x3f]);
            value >>= 6;
        }
    }

    private static string RandomSalt() =>
        string.Create(16, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
}
