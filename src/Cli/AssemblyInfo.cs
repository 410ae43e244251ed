// ros is a linux-x64 NativeAOT binary: PID 1, the engine and every applet run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
