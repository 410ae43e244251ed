using System.Collections.Concurrent;
using CorralOS.Console.Respawn;

namespace CorralOS.Console.Tests;

public sealed class RespawnTests
{
    private static readonly TimeSpan s_giveUp = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AnExitingCommandIsRestartedThenBacksOff()
    {
        using var tree = new ConsoleTree();
        var runs = tree.Path("runs");
        tree.Write("respawn.conf", $"# a comment\n\n/bin/sh -c 'echo run >> {runs}'\n");
        var events = new ConcurrentQueue<RespawnEvent>();
        var backingOff = new TaskCompletionSource();
        var options = new RespawnOptions
        {
            // A wide window so that the count, not the machine's speed, decides when it backs off.
            Window = TimeSpan.FromHours(1),
            Backoff = TimeSpan.FromHours(1),
            Observer = e =>
            {
                events.Enqueue(e);
                if (e.Kind == RespawnEventKind.BackingOff)
                {
                    backingOff.TrySetResult();
                }
            },
        };
        using var stop = new CancellationTokenSource();
        var respawn = new Respawner(Respawner.ReadLines(tree.Path("respawn.conf")), options).RunAsync(stop.Token);

        await backingOff.Task.WaitAsync(s_giveUp, TestContext.Current.CancellationToken);
        // The first start and 10 restarts, then the 11th restart waits.
        Assert.Equal(11, File.ReadAllLines(runs).Length);
        Assert.Equal(11, events.Count(e => e.Kind == RespawnEventKind.Started));
        Assert.All(events.Where(e => e.Kind == RespawnEventKind.Exited), e => Assert.Equal(0, e.Value));

        stop.Cancel();
        await respawn.WaitAsync(s_giveUp, TestContext.Current.CancellationToken);
        Assert.Equal(11, File.ReadAllLines(runs).Length);
    }

    [Fact]
    public async Task SigtermReachesEveryChildAndRespawnEnds()
    {
        using var tree = new ConsoleTree();
        var started = new ConcurrentDictionary<string, int>();
        var bothStarted = new TaskCompletionSource();
        string[] lines =
        [
            $"/bin/sh -c \"trap 'echo one > {tree.Path("term1")}; exit 0' TERM; while :; do sleep 0.1; done\"",
            $"/bin/sh -c \"trap 'echo two > {tree.Path("term2")}; exit 0' TERM; while :; do sleep 0.1; done\"",
        ];
        var options = new RespawnOptions
        {
            Observer = e =>
            {
                if (e.Kind == RespawnEventKind.Started && started.TryAdd(e.Line, e.Value) && started.Count == 2)
                {
                    bothStarted.TrySetResult();
                }
            },
        };
        using var stop = new CancellationTokenSource();
        var respawn = new Respawner(lines, options).RunAsync(stop.Token);
        await bothStarted.Task.WaitAsync(s_giveUp, TestContext.Current.CancellationToken);
        // The shells set their traps as their first command; wait until both are in their loops.
        foreach (var pid in started.Values)
        {
            await WaitForChildAsync(pid);
        }

        stop.Cancel();
        await respawn.WaitAsync(s_giveUp, TestContext.Current.CancellationToken);
        Assert.Equal("one\n", tree.Read("term1"));
        Assert.Equal("two\n", tree.Read("term2"));
    }

    // A shell in its loop has a sleep child: its trap is set by then.
    private static async Task WaitForChildAsync(int pid)
    {
        var children = $"/proc/{pid}/task/{pid}/children";
        while (File.ReadAllText(children).Trim().Length == 0)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
