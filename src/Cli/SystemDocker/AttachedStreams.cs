using System.Runtime.InteropServices;
using CorralOS.Engine.Client;
using CorralOS.Linux;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Cli.SystemDocker;

/// <summary>
/// The local side of a hijacked attach or exec: output to stdout and stderr (demultiplexed unless there is a TTY),
/// stdin to the process when asked (end of input half-closes the connection), the local terminal raw while a TTY
/// is attached, its size sent on start and on every SIGWINCH. Detaching (ctrl-p ctrl-q, or --detach-keys) is done
/// by the engine; it is recognised here by the keys having been the last input sent.
/// </summary>
internal sealed class AttachedStreams
{
    public const string DefaultDetachKeys = "ctrl-p,ctrl-q";

    private readonly HijackedConnection _connection;
    private readonly bool _tty;
    private readonly bool _stdin;
    private readonly byte[] _detachSequence;
    private volatile bool _detached;

    public AttachedStreams(HijackedConnection connection, bool tty, bool stdin, string? detachKeys)
    {
        _connection = connection;
        _tty = tty;
        _stdin = stdin;
        _detachSequence = tty ? ParseKeys(string.IsNullOrEmpty(detachKeys) ? DefaultDetachKeys : detachKeys) : [];
    }

    /// <summary>True when the connection ended because the user detached, not because the process ended.</summary>
    public bool Detached => _detached;

    /// <summary>The local terminal's size when a TTY is attached and stdout (or stdin) is a terminal.</summary>
    public static (int Rows, int Columns)? TerminalSize() => RawTerminal.Size(1) ?? RawTerminal.Size(0);

    /// <summary>The local terminal in raw mode while a TTY takes stdin (before the start, so no key is cooked); null otherwise.</summary>
    public RawTerminal? EnterRawMode() => _tty && _stdin ? RawTerminal.Enter(0) : null;

    /// <summary>Pumps until the engine ends the output; <paramref name="resize"/> is called with the terminal's size now and on SIGWINCH.</summary>
    public async Task RunAsync(Func<int, int, Task>? resize, CancellationToken cancellationToken)
    {
        using var winch = _tty && resize is not null ? PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context =>
        {
            context.Cancel = true;
            if (TerminalSize() is { } size)
            {
                _ = resize(size.Rows, size.Columns).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }) : null;
        if (_tty && resize is not null && TerminalSize() is { } initial)
        {
            try
            {
                await resize(initial.Rows, initial.Columns);
            }
            catch (EngineApiException)
            {
                // the process may already be gone: its output still comes
            }
        }
        if (_stdin)
        {
            _ = Task.Run(() => PumpInputAsync(cancellationToken), cancellationToken);
        }
        await using var stdout = System.Console.OpenStandardOutput();
        await using var stderr = System.Console.OpenStandardError();
        try
        {
            if (_tty)
            {
                await _connection.Stream.CopyToAsync(stdout, cancellationToken);
            }
            else
            {
                await LogFrames.CopyAsync(_connection.Stream, stdout, stderr, cancellationToken);
            }
        }
        catch (IOException) when (_detached)
        {
            // the engine closed the connection on the detach keys
        }
        await stdout.FlushAsync(cancellationToken);
    }

    private async Task PumpInputAsync(CancellationToken cancellationToken)
    {
        using var handle = new SafeFileHandle(0, ownsHandle: false);
        await using var input = new FileStream(handle, FileAccess.Read, 1);
        var buffer = new byte[4096];
        var recent = new List<byte>();
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }
                if (_detachSequence.Length > 0)
                {
                    recent.AddRange(buffer.AsSpan(0, read));
                    if (recent.Count > _detachSequence.Length)
                    {
                        recent.RemoveRange(0, recent.Count - _detachSequence.Length);
                    }
                    _detached = recent.SequenceEqual(_detachSequence);
                }
                await _connection.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await _connection.Stream.FlushAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            return;
        }
        _connection.CloseInput();
    }

    // Docker's detach keys: "ctrl-X" (a-z, @, [, \, ], ^, _) or single characters, comma separated.
    private static byte[] ParseKeys(string keys) => keys.Split(',').Select(key =>
    {
        if (key.Length == 1)
        {
            return (byte)key[0];
        }
        if (key.StartsWith("ctrl-", StringComparison.Ordinal) && key.Length == 6)
        {
            var c = char.ToLowerInvariant(key[5]);
            return c switch
            {
                >= 'a' and <= 'z' => (byte)(c - 'a' + 1),
                '@' => (byte)0,
                '[' => (byte)27,
                '\\' => (byte)28,
                ']' => (byte)29,
                '^' => (byte)30,
                '_' => (byte)31,
                _ => throw new UsageException($"invalid detach keys ({keys})"),
            };
        }
        throw new UsageException($"invalid detach keys ({keys})");
    }).ToArray();
}
