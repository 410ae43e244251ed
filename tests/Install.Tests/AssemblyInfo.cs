// The installer runs on Linux only, as do its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
