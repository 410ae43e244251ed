// The console container is Linux only: file modes, owners, signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
