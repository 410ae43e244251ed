namespace CorralOS.Network;

/// <summary>What one apply did (one line each) and what went wrong (one line each, naming the interface and field).</summary>
public sealed class NetconfReport
{
    public List<string> Messages { get; } = [];

    public List<string> Problems { get; } = [];

    public bool Failed => Problems.Count > 0;
}
