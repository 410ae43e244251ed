using System.Threading.Channels;
using CorralOS.Engine.Containers;

namespace CorralOS.Engine.Events;

/// <summary>
/// The engine's events: the last <see cref="Capacity"/> kept in memory (for `since`), and every new one handed to
/// each subscriber as it happens. Times are unique and increasing, so order by time is the order of events.
/// </summary>
public sealed class EventLog
{
    public const int Capacity = 1024;

    private readonly Lock _gate = new();
    private readonly Queue<EngineEvent> _ring = new();
    private readonly List<Channel<EngineEvent>> _subscribers = [];
    private long _lastNano;

    public void Publish(string type, string action, string actorId, IReadOnlyDictionary<string, string> attributes)
    {
        lock (_gate)
        {
            var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
            _lastNano = Math.Max(now, _lastNano + 1);
            var item = new EngineEvent(type, action, actorId, attributes, _lastNano);
            if (_ring.Count == Capacity)
            {
                _ring.Dequeue();
            }
            _ring.Enqueue(item);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(item);
            }
        }
    }

    /// <summary>A container event with Docker's attributes: image, name and the container's labels, plus <paramref name="extra"/>.</summary>
    public void Container(Container container, string action, params (string Key, string Value)[] extra)
    {
        var attributes = new Dictionary<string, string>(container.Record.Config.Labels ?? [], StringComparer.Ordinal)
        {
            ["image"] = container.Record.Image,
            ["name"] = container.Name,
        };
        foreach (var (key, value) in extra)
        {
            attributes[key] = value;
        }
        Publish("container", action, container.Id, attributes);
    }

    public void Image(string action, string actorId, string? name)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (name is not null)
        {
            attributes["name"] = name;
        }
        Publish("image", action, actorId, attributes);
    }

    /// <summary>The events kept so far and, from the same instant on, every new one; dispose to stop.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
            return new Subscription(_ring.ToList(), channel.Reader, () =>
            {
                lock (_gate)
                {
                    _subscribers.Remove(channel);
                }
            });
        }
    }

    public sealed class Subscription(IReadOnlyList<EngineEvent> past, ChannelReader<EngineEvent> live, Action end) : IDisposable
    {
        public IReadOnlyList<EngineEvent> Past { get; } = past;

        public ChannelReader<EngineEvent> Live { get; } = live;

        public void Dispose() => end();
    }
}
