// The engine and its tests run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
