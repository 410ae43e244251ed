// The engine runs on Linux only (overlayfs, unix sockets, crun).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
