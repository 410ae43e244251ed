using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CorralOS.Network;

/// <summary>An address with its prefix length, written 10.1.0.41/24 or 2001:db8::5/64.</summary>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    public static bool TryParse(string text, out InterfaceAddress address)
    {
        address = null!;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var ip)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }
        var ipv4 = ip.AddressFamily == AddressFamily.InterNetwork;
        // IPAddress also takes inet_aton's short forms (10.1 is 10.0.0.1); a config means four parts.
        if (ipv4 && text.AsSpan(0, slash).Count('.') != 3)
        {
            return false;
        }
        var bits = ipv4 ? 32 : 128;
        if (prefix > bits || (!ipv4 && ip.ScopeId != 0))
        {
            return false;
        }
        address = new InterfaceAddress(ip, prefix);
        return true;
    }

    /// <summary>The IPv4 subnet's broadcast address (all host bits set).</summary>
    public IPAddress Broadcast()
    {
        var bytes = Address.GetAddressBytes();
        for (var bit = PrefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }

    public override string ToString() => $"{Address}/{PrefixLength}";
}
