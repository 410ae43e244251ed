using System.Net.Sockets;
using System.Runtime.InteropServices;
using CorralOS.Engine.Containers;
using CorralOS.Linux.Interop;

namespace CorralOS.Engine.Tests;

/// <summary>
/// The console socket against the runtime's side of it (connect, one SCM_RIGHTS message, close, exit), played here so
/// that the order of events can be chosen: crun is real in every other terminal test, but there its timing is not ours.
/// </summary>
public sealed class ConsoleSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-console-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_terminal_sent_before_the_runtime_exited_is_taken_even_when_the_exit_is_seen_first()
    {
        // A process that exits at once (`exec -t box true`): crun has sent the master and exited before the engine
        // accepted the connection or read the message. Repeated: which of the two the engine sees first varies.
        for (var i = 0; i < 20; i++)
        {
            using var console = new ConsoleSocket(_dir);
            // Continuations inline: the exit is seen the moment it is set, before the accept's completion can run.
            var exited = new TaskCompletionSource();
            var receive = console.ReceiveAsync(exited.Task);
            using (var runtime = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            using (var sent = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
            {
                runtime.Connect(new UnixDomainSocketEndPoint(console.Path));
                SendDescriptor(runtime, (int)sent.DangerousGetHandle());
            }
            exited.SetResult();
            using var master = await receive;
            Assert.True(master is { IsInvalid: false }, $"round {i}: the terminal sent before the exit was dropped");
        }
    }

    [Fact]
    public async Task A_runtime_that_exits_without_connecting_or_sending_gives_no_terminal()
    {
        using (var console = new ConsoleSocket(_dir))
        {
            Assert.Null(await console.ReceiveAsync(Task.CompletedTask));
        }
        using (var console = new ConsoleSocket(_dir))
        {
            var exited = new TaskCompletionSource();
            var receive = console.ReceiveAsync(exited.Task);
            using (var runtime = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                runtime.Connect(new UnixDomainSocketEndPoint(console.Path));
            }
            exited.SetResult();
            Assert.Null(await receive);
        }
    }

    private static unsafe void SendDescriptor(Socket socket, int descriptor)
    {
        var data = (byte)'t';
        var controlLength = sizeof(Libc.CmsgHdr) + 8; // one int, padded to 8 bytes
        var control = stackalloc byte[controlLength];
        var header = (Libc.CmsgHdr*)control;
        header->Length = (nuint)(sizeof(Libc.CmsgHdr) + sizeof(int));
        header->Level = Libc.SOL_SOCKET;
        header->Type = Libc.SCM_RIGHTS;
        *(int*)(control + sizeof(Libc.CmsgHdr)) = descriptor;
        var iov = new Libc.IoVec { Base = &data, Length = 1 };
        var message = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlLength };
        Assert.True(Libc.sendmsg((int)socket.SafeHandle.DangerousGetHandle(), &message, 0) == 1, $"sendmsg: errno {Marshal.GetLastPInvokeError()}");
    }
}
