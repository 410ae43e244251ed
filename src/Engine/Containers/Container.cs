using System.Text.Json;

namespace CorralOS.Engine.Containers;

/// <summary>
/// One container in memory: its record, its state, and the signal that the state changed (for wait and follow).
/// The state is only changed under <see cref="Gate"/> and written to disk before anyone is told.
/// </summary>
public sealed class Container(ContainerRecord record, ContainerState state, ContainerLayout layout)
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Lock Gate { get; } = new();

    public ContainerRecord Record { get; } = record;

    public string Id => Record.Id;

    public string Name => Record.Name;

    /// <summary>A snapshot; change it with <see cref="Update"/>.</summary>
    public ContainerState State
    {
        get
        {
            lock (Gate)
            {
                return state.Copy();
            }
        }
    }

    /// <summary>Live output, input and terminal, for containers created with a TTY or an open stdin.</summary>
    public ContainerIo Io { get; } = new();

    /// <summary>Whether attach goes through <see cref="Io"/> (live) rather than the log.</summary>
    public bool Interactive => Record.Config.Tty || Record.Config.OpenStdin;

    /// <summary>Whether output reaches attached clients live through <see cref="Io"/>: interactive containers, and
    /// those whose log driver keeps nothing to follow (none, syslog).</summary>
    public bool LiveOutput => Interactive || !LogDrivers.Readable(Record.Config);

    /// <summary>The running `crun run` and its supervision loop, while there is one.</summary>
    internal ContainerRun? Run { get; set; }

    /// <summary>Set once removal started: nothing may start it again.</summary>
    internal bool Removed { get; set; }

    /// <summary>Completes at the next state change.</summary>
    public Task Changed
    {
        get
        {
            lock (Gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>
    /// Changes the state, writes it atomically, then wakes waiters. Not synced to disk: a run's state is stale after
    /// a power cut anyway (nothing runs then), and a state file lost to one is read as a fresh state at the next start;
    /// a journal commit per transition was the largest cost of a short `run --rm`. An auto-remove (--rm) container's
    /// state is not written at all: it is removed at its exit, and by the next engine start if the engine died first,
    /// so no state of it is ever read back (each write replaced a file, which ext4 flushes at the rename).
    /// </summary>
    public void Update(Action<ContainerState> change)
    {
        TaskCompletionSource woken;
        lock (Gate)
        {
            change(state);
            if (Record.Config.HostConfig?.AutoRemove != true)
            {
                CorralOS.Linux.AtomicFile.Write(layout.StateFile(Id), JsonSerializer.SerializeToUtf8Bytes(state, StoreJson.Default.ContainerState), durable: false);
            }
            woken = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }

    /// <summary>The container and its files are gone: wakes waiters (wait condition=removed) without writing anything.</summary>
    public void MarkRemoved()
    {
        TaskCompletionSource woken;
        lock (Gate)
        {
            state.Status = ContainerStatus.Removing;
            woken = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }

    /// <summary>Writes the record atomically; synced to disk unless the container removes itself when it stops (--rm).</summary>
    public void SaveRecord()
    {
        lock (Gate)
        {
            CorralOS.Linux.AtomicFile.Write(layout.RecordFile(Id), JsonSerializer.SerializeToUtf8Bytes(Record, StoreJson.Default.ContainerRecord),
                durable: Record.Config.HostConfig?.AutoRemove != true);
        }
    }
}
