// User Docker runs on Linux only: file modes, execve, unix sockets.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
