using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>Receiving a pty master over a unix socket (SCM_RIGHTS) and sizing it (TIOCSWINSZ).</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint recvmsg(int sockfd, MsgHdr* msg, int flags);

    /// <summary>The runtime's side (what crun does with the master); the engine only receives.</summary>
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint sendmsg(int sockfd, MsgHdr* msg, int flags);

    internal const int SOL_SOCKET = 1;
    internal const int SCM_RIGHTS = 1;
    internal const int MSG_CMSG_CLOEXEC = 0x40000000;
    internal const int EAGAIN = 11;
    internal const nuint TIOCSWINSZ = 0x5414;

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }
}
