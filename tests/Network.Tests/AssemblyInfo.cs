// Network namespaces, dhcpcd and dnsmasq: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
