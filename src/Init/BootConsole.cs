using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Init;

/// <summary>
/// Lines PID 1 prints on /dev/console. Writes go straight to fd 1: System.Console would set up
/// terminal handling that fights the shell running on the same tty.
/// </summary>
public sealed class BootConsole
{
    private readonly TextWriter _writer;
    private readonly Lock _lock = new();

    public BootConsole(TextWriter writer) => _writer = writer;

    public static BootConsole OnStandardOutput() =>
        new(new StreamWriter(new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\r\n" });

    /// <summary>A line as it is, without the "init: " prefix (the banner).</summary>
    public void Banner(string text) => Write(text);

    public void Info(string text) => Write("init: " + text);

    private void Write(string line)
    {
        lock (_lock)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (IOException)
            {
                // No console (e.g. the kernel found no /dev/console): boot on without output.
            }
        }
    }
}
