// cloud-init-save writes Linux modes and syncs with fsync; CorralOS runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
