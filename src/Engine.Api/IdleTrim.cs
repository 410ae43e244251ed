using Microsoft.AspNetCore.Http;

namespace CorralOS.Engine.Api;

/// <summary>
/// Gives memory back once the API goes quiet. What serving requests allocated (ASP.NET builds its routing tables at
/// the first one) stays committed after the garbage is gone: the GC keeps freed regions for the next allocations.
/// A second after the last request began (and after the start), one aggressive collection returns them to the system, so the idle engine
/// (PID 1 in CorralOS) holds only what it uses. A burst of requests costs one collection, after it.
/// </summary>
internal sealed class IdleTrim : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    // Armed at the start too: opening the stores and restoring containers allocate as well.
    private readonly Timer _timer = new(_ => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true), null, Quiet, Timeout.InfiniteTimeSpan);

    public Func<HttpContext, Func<Task>, Task> Middleware => (_, next) =>
    {
        _timer.Change(Quiet, Timeout.InfiniteTimeSpan);
        return next();
    };

    public void Dispose() => _timer.Dispose();
}
