namespace CorralOS.CloudInit;

/// <summary>One place configuration can come from: a drive, a file, a URL or a cloud's metadata service.</summary>
public interface IDatasource
{
    /// <summary>The spec it was made from (ec2, configdrive:/media/config-2), used in every message about it.</summary>
    string Name { get; }

    /// <summary>A cheap check that the source is there now; false (not an exception) when it is not.</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);

    /// <summary>User data (raw bytes, possibly gzipped or multipart) and metadata; throws <see cref="DatasourceException"/>.</summary>
    Task<CloudData> FetchAsync(CancellationToken cancellationToken);
}
