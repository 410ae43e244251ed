namespace CorralOS.Network.Netlink;

/// <summary>rtnetlink numbers from linux/netlink.h, linux/rtnetlink.h, linux/if_link.h and linux/if_addr.h.</summary>
internal static class NetlinkConstants
{
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;

    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_NEWROUTE = 24;

    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLM_F_REPLACE = 0x100;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;

    public const byte AF_UNSPEC = 0;
    public const byte AF_INET = 2;
    public const byte AF_INET6 = 10;

    public const uint IFF_UP = 0x1;

    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_LINK = 5;
    public const ushort IFLA_MASTER = 10;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_INFO_KIND = 1;
    public const ushort IFLA_INFO_DATA = 2;
    public const ushort IFLA_VLAN_ID = 1;

    public const ushort IFA_ADDRESS = 1;
    public const ushort IFA_LOCAL = 2;
    public const ushort IFA_BROADCAST = 4;

    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;

    public const byte RT_TABLE_MAIN = 254;
    public const byte RTPROT_STATIC = 4;
    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RTN_UNICAST = 1;

    /// <summary>Header sizes: nlmsghdr, ifinfomsg, ifaddrmsg, rtmsg, rtattr.</summary>
    public const int NlmsghdrSize = 16;
    public const int IfinfomsgSize = 16;
    public const int RtattrSize = 4;
}
