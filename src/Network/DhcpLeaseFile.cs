using System.Net;
using System.Text;

namespace CorralOS.Network;

/// <summary>
/// Reads a dhcpcd IPv4 lease file (/var/lib/dhcpcd/IFACE.lease): the server's DHCP message as received, a BOOTP header
/// then options. Reading the file needs no running dhcpcd to answer (`dhcpcd -U` asks the daemon over its control
/// socket, which can time out while it is busy renewing).
/// </summary>
public static class DhcpLeaseFile
{
    private const int OptionsOffset = 240; // 236-byte BOOTP header and the 4-byte magic cookie
    private const byte HostNameOption = 12;
    private const byte DnsServersOption = 6;
    private const byte DomainNameOption = 15;
    private const byte DomainSearchOption = 119;

    /// <summary>The lease, or null when the file is missing, short or not a DHCP message (dhcpcd is rewriting it).</summary>
    public static DhcpLease? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        return Parse(bytes);
    }

    public static DhcpLease? Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < OptionsOffset || !message.Slice(236, 4).SequenceEqual((ReadOnlySpan<byte>)[99, 130, 83, 99]))
        {
            return null;
        }
        var nameservers = new List<string>();
        var search = new List<string>();
        string? domain = null, hostName = null;
        var searchData = new List<byte>(); // option 119 may be split over several instances (RFC 3396)
        var offset = OptionsOffset;
        while (offset < message.Length)
        {
            var code = message[offset++];
            if (code == 0)
            {
                continue;
            }
            if (code == 255 || offset >= message.Length)
            {
                break;
            }
            var length = message[offset++];
            if (offset + length > message.Length)
            {
                return null;
            }
            var value = message.Slice(offset, length);
            offset += length;
            switch (code)
            {
                case DnsServersOption:
                    for (var i = 0; i + 4 <= value.Length; i += 4)
                    {
                        nameservers.Add(new IPAddress(value.Slice(i, 4)).ToString());
                    }
                    break;
                case DomainNameOption:
                    domain = Text(value);
                    break;
                case HostNameOption:
                    hostName = Text(value);
                    break;
                case DomainSearchOption:
                    searchData.AddRange(value);
                    break;
            }
        }
        search.AddRange(DomainNames([.. searchData]));
        if (domain is { Length: > 0 } && search.Count == 0)
        {
            search.Add(domain);
        }
        return new DhcpLease(nameservers, search, string.IsNullOrEmpty(hostName) ? null : hostName);
    }

    private static string Text(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0').Trim();

    /// <summary>RFC 1035 names, one after another, with compression pointers into the same data (RFC 3397).</summary>
    private static List<string> DomainNames(byte[] data)
    {
        var names = new List<string>();
        var offset = 0;
        while (offset < data.Length)
        {
            var labels = new List<string>();
            var position = offset;
            var jumped = false;
            var hops = 0;
            while (position < data.Length)
            {
                var length = data[position];
                if (length == 0)
                {
                    position++;
                    break;
                }
                if ((length & 0xc0) == 0xc0)
                {
                    if (position + 1 >= data.Length || ++hops > 16)
                    {
                        return names;
                    }
                    var target = ((length & 0x3f) << 8) | data[position + 1];
                    if (!jumped)
                    {
                        offset = position + 2;
                    }
                    jumped = true;
                    position = target;
                    continue;
                }
                if (position + 1 + length > data.Length)
                {
                    return names;
                }
                labels.Add(Encoding.ASCII.GetString(data, position + 1, length));
                position += 1 + length;
            }
            if (!jumped)
            {
                offset = position;
            }
            if (labels.Count > 0)
            {
                names.Add(string.Join('.', labels));
            }
        }
        return names;
    }
}
