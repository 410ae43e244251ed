using System.Runtime.InteropServices;

namespace CorralOS.Linux;

/// <summary>A failed system call: the call, what it was applied to, and errno.</summary>
public sealed class SystemCallException : IOException
{
    public SystemCallException(string call, string subject, int errno)
        : base($"{call} {subject}: {Marshal.GetPInvokeErrorMessage(errno)}")
    {
        Call = call;
        Subject = subject;
        Errno = errno;
    }

    public string Call { get; }

    public string Subject { get; }

    public int Errno { get; }

    /// <summary>Throws for a -1 result, using the errno saved by the P/Invoke stub.</summary>
    internal static void ThrowIfFailed(long result, string call, string subject)
    {
        if (result < 0)
        {
            throw new SystemCallException(call, subject, Marshal.GetLastPInvokeError());
        }
    }
}
