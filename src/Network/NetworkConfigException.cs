namespace CorralOS.Network;

/// <summary>A value in rancher.network that cannot be applied; the message names the interface (or section) and field.</summary>
public sealed class NetworkConfigException : Exception
{
    public NetworkConfigException(string subject, string field, string message)
        : base($"{subject}: {field}: {message}")
    {
        Subject = subject;
        Field = field;
    }

    public string Subject { get; }

    public string Field { get; }
}
