namespace CorralOS.Network.Netlink;

/// <summary>A network link as the kernel lists it.</summary>
/// <param name="Mac">Lower-case colon form (52:54:00:12:34:56); empty for links without one.</param>
public sealed record LinkInfo(int Index, string Name, string Mac, int Mtu, bool IsUp, int MasterIndex);
