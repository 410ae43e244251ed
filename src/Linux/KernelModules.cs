using System.Text;
using CorralOS.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Linux;

/// <summary>Loads one kernel module file with finit_module(2).</summary>
public static class KernelModules
{
    /// <summary>Loads the module; returns false if the kernel already has it.</summary>
    public static unsafe bool Load(string path, string parameters = "")
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var paramBytes = Encoding.UTF8.GetBytes(parameters + "\0");
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = paramBytes)
            {
                var result = Libc.syscall(Libc.SYS_finit_module, (int)file.DangerousGetHandle(), p, 0);
                if (result < 0)
                {
                    var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == Libc.EEXIST)
                    {
                        return false;
                    }
                    throw new SystemCallException("finit_module", path, errno);
                }
                return true;
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }
}
