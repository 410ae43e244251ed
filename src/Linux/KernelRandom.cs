using System.Diagnostics;
using System.Runtime.InteropServices;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// The kernel's random pool. Without a hardware source (no RDRAND on an emulated CPU, no virtio-rng) it becomes ready
/// only while something waits for it: the waiter runs the kernel's jitter-entropy loop, about a second under QEMU's
/// TCG. PID 1 starts that wait at once on a thread of its own, at a low priority, so the pool is ready when the boot
/// first needs it (container IDs, mount names, dhcpcd, sshd's keys) instead of that step waiting in line.
/// </summary>
public static unsafe class KernelRandom
{
    /// <summary>
    /// The waiting thread's nice value. The kernel's loop credits one bit per timer tick while it runs at least once a
    /// tick: at 10 it gets the CPU often enough for that (under TCG the pool was ready ~1.3-1.4 s after the banner,
    /// against the ~1.1 s PID 1 itself waited for it before) while the boot keeps nine tenths of the CPU.
    /// </summary>
    private const int WaiterNice = 10;

    /// <summary>
    /// Fills <paramref name="buffer"/> without waiting for the pool (getrandom's GRND_INSECURE), for seeds that need no
    /// cryptographic strength; false when the kernel refuses the flag (before 5.6).
    /// </summary>
    public static bool TryFillWithoutWaiting(Span<byte> buffer)
    {
        var filled = 0;
        fixed (byte* start = buffer)
        {
            while (filled < buffer.Length)
            {
                var read = Libc.getrandom(start + filled, (nuint)(buffer.Length - filled), Libc.GRND_INSECURE);
                if (read <= 0)
                {
                    return false;
                }
                filled += (int)read;
            }
        }
        return true;
    }

    /// <summary>Starts the wait on a background thread; <paramref name="ready"/> gets how long it took.</summary>
    public static void WaitInBackground(Action<TimeSpan> ready)
    {
        var thread = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            // A failure leaves the thread at the boot's priority: the wait still ends, only costing the boot more.
            _ = Libc.setpriority(Libc.PRIO_PROCESS, Libc.gettid(), WaiterNice);
            byte one;
            while (Libc.getrandom(&one, 1, 0) < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
            {
            }
            ready(clock.Elapsed);
        })
        { IsBackground = true, Name = "random pool" };
        thread.Start();
    }
}
