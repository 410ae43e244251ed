namespace CorralOS.Engine.Events;

/// <summary>One event, as GET /events tells it: what (Type, Action), about what (actor ID and attributes), when.</summary>
public sealed record EngineEvent(string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes, long TimeNano)
{
    /// <summary>Every event of this engine is about this host (Docker's `scope`; `swarm` would be a cluster's).</summary>
    public const string Scope = "local";

    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddTicks(TimeNano / 100);
}
