namespace CorralOS.CloudInit.Datasources;

/// <summary>file:&lt;path&gt;: the file's content is the user data; there is no metadata.</summary>
internal sealed class FileDatasource : IDatasource
{
    private readonly string _path;

    public FileDatasource(string name, string path)
    {
        Name = name;
        _path = path;
    }

    public string Name { get; }

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken) => Task.FromResult(File.Exists(_path));

    public async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new CloudData(await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false), InstanceMetadata.Empty);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasourceException(Name, e.Message, e);
        }
    }
}
