// The service manager runs on Linux only: the engines' unix sockets, the state disk's files.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
