using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using static CorralOS.Network.Netlink.NetlinkConstants;

namespace CorralOS.Network.Netlink;

/// <summary>
/// The link, address and route changes netconf makes, as rtnetlink requests (what `ip link/addr/route` send),
/// so the network image needs no `ip` binary.
/// </summary>
internal sealed class RouteNetlink : IDisposable
{
    private readonly RouteSocket _socket = new();

    public void Dispose() => _socket.Dispose();

    public IReadOnlyList<LinkInfo> Links()
    {
        var request = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
        IfInfo(request, 0, 0, 0);
        var links = new List<LinkInfo>();
        foreach (var (type, body) in _socket.Dump(request))
        {
            if (type != RTM_NEWLINK || body.Length < IfinfomsgSize)
            {
                continue;
            }
            var index = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(4));
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(8));
            string name = "", mac = "";
            int mtu = 0, master = 0;
            foreach (var (attribute, value) in Attributes(body.AsSpan(IfinfomsgSize).ToArray()))
            {
                switch (attribute)
                {
                    case IFLA_IFNAME:
                        name = Encoding.ASCII.GetString(value).TrimEnd('\0');
                        break;
                    case IFLA_ADDRESS:
                        mac = string.Join(':', value.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
                        break;
                    case IFLA_MTU:
                        mtu = BinaryPrimitives.ReadInt32LittleEndian(value);
                        break;
                    case IFLA_MASTER:
                        master = BinaryPrimitives.ReadInt32LittleEndian(value);
                        break;
                }
            }
            links.Add(new LinkInfo(index, name, mac, mtu, (flags & IFF_UP) != 0, master));
        }
        return links;
    }

    /// <summary>Sets the flags, MTU and master given; null leaves each as it is (master 0 releases).</summary>
    public void SetLink(int index, bool? up = null, int? mtu = null, int? master = null)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST);
        IfInfo(request, index, up is true ? IFF_UP : 0, up is null ? 0 : IFF_UP);
        if (mtu is { } m)
        {
            request.AttributeU32(IFLA_MTU, (uint)m);
        }
        if (master is { } owner)
        {
            request.AttributeU32(IFLA_MASTER, (uint)owner);
        }
        _socket.Request(request);
    }

    /// <summary>Creates a virtual link: kind bridge, bond or vlan (with its parent and id).</summary>
    public void CreateLink(string name, string kind, int parentIndex = 0, ushort vlanId = 0)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
        IfInfo(request, 0, 0, 0);
        request.AttributeString(IFLA_IFNAME, name);
        if (parentIndex != 0)
        {
            request.AttributeU32(IFLA_LINK, (uint)parentIndex);
        }
        request.BeginNested(IFLA_LINKINFO).AttributeString(IFLA_INFO_KIND, kind);
        if (kind == "vlan")
        {
            request.BeginNested(IFLA_INFO_DATA).AttributeU16(IFLA_VLAN_ID, vlanId).EndNested();
        }
        request.EndNested();
        _socket.Request(request);
    }

    /// <summary>Adds (or refreshes) an address; IPv4 gets the subnet's broadcast address as `ip addr add ... brd +` does.</summary>
    public void AddAddress(int index, InterfaceAddress address)
    {
        var ipv4 = address.Address.AddressFamily == AddressFamily.InterNetwork;
        var request = new NetlinkMessage(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE)
            .U8(ipv4 ? AF_INET : AF_INET6).U8((byte)address.PrefixLength).U8(0).U8(RT_SCOPE_UNIVERSE).I32(index);
        var bytes = address.Address.GetAddressBytes();
        request.Attribute(IFA_LOCAL, bytes).Attribute(IFA_ADDRESS, bytes);
        if (ipv4 && address.PrefixLength < 31)
        {
            request.Attribute(IFA_BROADCAST, address.Broadcast().GetAddressBytes());
        }
        _socket.Request(request);
    }

    /// <summary>Adds or replaces the default route of the gateway's family through this link.</summary>
    public void ReplaceDefaultRoute(int index, IPAddress gateway)
    {
        var ipv4 = gateway.AddressFamily == AddressFamily.InterNetwork;
        var request = new NetlinkMessage(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE)
            .U8(ipv4 ? AF_INET : AF_INET6).U8(0).U8(0).U8(0)
            .U8(RT_TABLE_MAIN).U8(RTPROT_STATIC).U8(RT_SCOPE_UNIVERSE).U8(RTN_UNICAST).U32(0);
        request.Attribute(RTA_GATEWAY, gateway.GetAddressBytes()).AttributeU32(RTA_OIF, (uint)index);
        _socket.Request(request);
    }

    private static void IfInfo(NetlinkMessage message, int index, uint flags, uint change) =>
        message.U8(AF_UNSPEC).U8(0).U16(0).I32(index).U32(flags).U32(change);

    private static IEnumerable<(ushort Type, byte[] Value)> Attributes(byte[] data)
    {
        var offset = 0;
        while (offset + RtattrSize <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset + 2));
            if (length < RtattrSize || offset + length > data.Length)
            {
                yield break;
            }
            yield return ((ushort)(type & 0x3fff), data.AsSpan(offset + RtattrSize, length - RtattrSize).ToArray());
            offset += (length + 3) & ~3;
        }
    }
}
