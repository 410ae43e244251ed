using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CorralOS.Testing;

/// <summary>A match on the console: where it is in the console text and when (since QEMU started) its last byte arrived.</summary>
public sealed record ConsoleMatch(Match Match, int End, TimeSpan At)
{
    public string Value => Match.Value;
}

/// <summary>Thrown when an expected console marker did not appear in time, or QEMU exited first. The message has the console tail.</summary>
public sealed class ConsoleTimeoutException(string message) : TimeoutException(message);

/// <summary>
/// The guest's serial console as text: everything QEMU wrote to the serial port, kept in memory (for matching) and
/// in a file (for people), with the arrival time of each chunk.
/// </summary>
public sealed class SerialConsole : IDisposable
{
    public const int TailLines = 40;

    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<(int End, TimeSpan At)> _chunks = [];
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly FileStream _log;
    private readonly Stopwatch _clock;
    private readonly bool _echo = Environment.GetEnvironmentVariable("CORRALOS_CONSOLE_ECHO") == "1";
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    internal SerialConsole(string logPath, Stopwatch clock)
    {
        LogPath = logPath;
        _clock = clock;
        _log = new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>The console log file (raw bytes as the guest sent them).</summary>
    public string LogPath { get; }

    /// <summary>Current length of the console text: pass it as <c>from</c> to only match what comes later.</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _text.Length;
            }
        }
    }

    /// <summary>True once the serial stream has ended (QEMU exited).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>The whole console text so far.</summary>
    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>The console text from <paramref name="from"/> on.</summary>
    public string TextFrom(int from)
    {
        lock (_lock)
        {
            from = Math.Clamp(from, 0, _text.Length);
            return _text.ToString(from, _text.Length - from);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines, control characters removed, for error messages.</summary>
    public string Tail(int lines = TailLines)
    {
        var all = Clean(Text).Split('\n');
        var start = Math.Max(0, all.Length - lines);
        return string.Join('\n', all[start..]);
    }

    /// <summary>Removes CR and terminal escape sequences so the text reads as plain lines.</summary>
    public static string Clean(string text)
    {
        text = Regex.Replace(text, @"\x1b\[[0-9;?]*[ -/]*[@-~]", "");
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\n' || c == '\t' || !char.IsControl(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        var at = _clock.Elapsed;
        _log.Write(bytes);
        _log.Flush();
        if (_echo)
        {
            using var stderr = Console.OpenStandardError();
            stderr.Write(bytes);
        }

        var chars = new char[_decoder.GetCharCount(bytes, false)];
        _decoder.GetChars(bytes, chars, false);
        TaskCompletionSource changed;
        lock (_lock)
        {
            _text.Append(chars);
            _chunks.Add((_text.Length, at));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>A line of the test harness's own in the console text and log, marked as such.</summary>
    internal void Note(string line) => Append(System.Text.Encoding.UTF8.GetBytes($"\n[{line}]\n"));

    internal void Close()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            changed = _changed;
        }

        _log.Flush();
        changed.TrySetResult();
    }

    /// <summary>The time (since QEMU started) at which the console text reached <paramref name="end"/> characters.</summary>
    public TimeSpan TimeAt(int end)
    {
        lock (_lock)
        {
            foreach (var (chunkEnd, at) in _chunks)
            {
                if (chunkEnd >= end)
                {
                    return at;
                }
            }

            return _clock.Elapsed;
        }
    }

    /// <summary>
    /// Waits until <paramref name="pattern"/> matches the console text from <paramref name="from"/> on. Returns null when the
    /// console closed (QEMU exited) or the timeout passed; the caller builds the error.
    /// </summary>
    internal async Task<ConsoleMatch?> TryWaitAsync(Regex pattern, TimeSpan timeout, int from, CancellationToken cancellationToken)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            Task changed;
            string text;
            bool closed;
            lock (_lock)
            {
                changed = _changed.Task;
                from = Math.Clamp(from, 0, _text.Length);
                text = _text.ToString(from, _text.Length - from);
                closed = _closed;
            }

            var m = pattern.Match(text);
            if (m.Success)
            {
                var end = from + m.Index + m.Length;
                return new ConsoleMatch(m, end, TimeAt(end));
            }

            var left = deadline - _clock.Elapsed;
            if (closed || left <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await changed.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Loop once more: a last look, then null.
            }
        }
    }

    public void Dispose()
    {
        Close();
        _log.Dispose();
    }
}
