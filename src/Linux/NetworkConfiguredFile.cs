namespace CorralOS.Linux;

/// <summary>
/// The file by which the network container tells PID 1 that the network is as configured as it will get: netconf
/// writes it after an apply in which every DHCP link has its lease, and removes it while one is still waiting. PID 1's
/// service manager then stops waiting for a default route that no link is going to bring (a network without a router).
/// /run is shared between the two through the system-volumes container.
/// </summary>
public static class NetworkConfiguredFile
{
    public const string DefaultPath = "/run/corralos/network-configured";
}
