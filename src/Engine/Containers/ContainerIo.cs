using CorralOS.Linux;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Engine.Containers;

/// <summary>
/// The live side of a container with a TTY or an open stdin (`docker run -it`, `-i`): its output as it comes, to
/// every attached client; the running process's input; and its terminal, for resize. Lives as long as the container
/// (a client attaches before the start), each run plugs its streams in.
/// </summary>
public sealed class ContainerIo
{
    private readonly Lock _gate = new();
    private readonly List<Func<int, ReadOnlyMemory<byte>, Task>> _subscribers = [];
    private TaskCompletionSource<Stream?> _input = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SafeFileHandle? _terminal;
    private (int Rows, int Columns)? _size;

    /// <summary>Hands every output chunk (1 stdout, 2 stderr) to <paramref name="output"/> until disposed.</summary>
    public IDisposable Subscribe(Func<int, ReadOnlyMemory<byte>, Task> output)
    {
        lock (_gate)
        {
            _subscribers.Add(output);
        }
        return new Unsubscriber(() =>
        {
            lock (_gate)
            {
                _subscribers.Remove(output);
            }
        });
    }

    internal async Task PublishAsync(int stream, ReadOnlyMemory<byte> data)
    {
        Func<int, ReadOnlyMemory<byte>, Task>[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }
        foreach (var subscriber in subscribers)
        {
            await subscriber(stream, data);
        }
    }

    /// <summary>The running process's input, once a run has plugged it in (null: the run ended without one).</summary>
    public Task<Stream?> InputAsync()
    {
        lock (_gate)
        {
            return _input.Task;
        }
    }

    internal void Started(Stream input, SafeFileHandle? terminal)
    {
        lock (_gate)
        {
            _terminal = terminal;
            if (terminal is not null && _size is { } size)
            {
                Terminals.Resize(terminal, size.Rows, size.Columns);
            }
            if (!_input.TrySetResult(input))
            {
                _input = new TaskCompletionSource<Stream?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _input.SetResult(input);
            }
        }
    }

    internal void Ended()
    {
        lock (_gate)
        {
            _terminal = null;
            _input.TrySetResult(null);
            _input = new TaskCompletionSource<Stream?>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Sets the terminal's size now, or when the next run's terminal exists.</summary>
    public void Resize(int rows, int columns)
    {
        lock (_gate)
        {
            _size = (rows, columns);
            if (_terminal is { IsClosed: false } terminal)
            {
                Terminals.Resize(terminal, rows, columns);
            }
        }
    }

    private sealed class Unsubscriber(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
