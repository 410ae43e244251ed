namespace CorralOS.Services;

/// <summary>
/// Images that can be loaded without the network (in CorralOS: the system images carried by the initrd). `up` loads
/// such an image when the service that needs it converges, so a service never waits for another's image, and
/// such a service does not wait for `network` as a service whose image must be pulled does.
/// </summary>
public interface ILocalImages
{
    bool Holds(string image);

    /// <summary>Loads <paramref name="image"/> into <paramref name="engine"/>; at most once however many services ask at the same time.</summary>
    Task LoadAsync(Engine.Client.EngineClient engine, string image, CancellationToken cancellationToken);
}
