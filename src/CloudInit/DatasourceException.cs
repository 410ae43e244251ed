namespace CorralOS.CloudInit;

/// <summary>A datasource that answered but could not be read; the message is one line naming the source and what failed.</summary>
public sealed class DatasourceException : Exception
{
    public DatasourceException(string source, string message, Exception? inner = null)
        : base($"{source}: {message}", inner) => DatasourceName = source;

    public string DatasourceName { get; }
}
