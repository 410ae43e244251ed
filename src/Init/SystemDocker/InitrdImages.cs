using System.Collections.Concurrent;
using CorralOS.Engine.Client;
using CorralOS.Services;

namespace CorralOS.Init.SystemDocker;

/// <summary>
/// The indexed archives' system images (<see cref="SystemImageIndex"/>) for the service manager: each loaded when the
/// first service needing it converges, once even when several services ask together.
/// </summary>
public sealed class InitrdImages(SystemImageIndex index, Action<string> log) : ILocalImages
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _loads = new(StringComparer.Ordinal);

    public bool Holds(string image) => index.ArchiveOf(image) is not null;

    public Task LoadAsync(EngineClient engine, string image, CancellationToken cancellationToken) =>
        _loads.GetOrAdd(image, _ => new Lazy<Task>(() => LoadOnceAsync(engine, image, cancellationToken))).Value;

    private async Task LoadOnceAsync(EngineClient engine, string image, CancellationToken cancellationToken)
    {
        try
        {
            await index.LoadAsync(engine, image, log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            // The service manager reports I/O problems as the service's failure.
            _loads.TryRemove(image, out _);
            throw new IOException($"system image {image}: {e.Message}", e);
        }
        catch
        {
            // A failed load may be asked for again (the next reload round), not answered with the old failure.
            _loads.TryRemove(image, out _);
            throw;
        }
    }
}
