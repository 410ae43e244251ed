namespace CorralOS.Engine.Api;

/// <summary>
/// A client's input to a terminal, watched for the detach keys as Docker does: bytes that could begin the sequence
/// are held back until the next byte shows whether it goes on; a full sequence is not passed on, ends the input
/// (reads return 0) and completes <see cref="Detached"/>, so the connection closes while the process keeps running.
/// </summary>
public sealed class DetachingInput(Stream inner, byte[] keys) : CorralOS.Engine.ForwardReadStream
{
    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<byte> _ready = new();
    private int _matched;

    /// <summary>Completes when the client typed the detach keys.</summary>
    public Task Detached => _detached.Task;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (keys.Length == 0)
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        var chunk = new byte[Math.Max(buffer.Length, 1)];
        while (_ready.Count == 0)
        {
            if (_detached.Task.IsCompleted)
            {
                return 0;
            }
            var read = await inner.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                // The client's end: what was held back was only the start of a sequence, so it is input after all.
                Release(_matched);
                _matched = 0;
                if (_ready.Count == 0)
                {
                    return 0;
                }
                break;
            }
            Scan(chunk.AsSpan(0, read));
        }
        var count = Math.Min(buffer.Length, _ready.Count);
        for (var i = 0; i < count; i++)
        {
            buffer.Span[i] = _ready.Dequeue();
        }
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    private void Scan(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (_detached.Task.IsCompleted)
            {
                return;
            }
            if (b == keys[_matched])
            {
                _matched++;
                if (_matched == keys.Length)
                {
                    _matched = 0;
                    _detached.TrySetResult();
                }
                continue;
            }
            // Not the sequence: the held bytes go on as input, and this byte may start a new sequence.
            Release(_matched);
            _matched = 0;
            if (b == keys[0])
            {
                _matched = 1;
                if (keys.Length == 1)
                {
                    _matched = 0;
                    _detached.TrySetResult();
                }
                continue;
            }
            _ready.Enqueue(b);
        }
    }

    private void Release(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _ready.Enqueue(keys[i]);
        }
    }
}
