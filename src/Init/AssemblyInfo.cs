// PID 1 is Linux only, and it hosts the engine (System Docker), which is Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
