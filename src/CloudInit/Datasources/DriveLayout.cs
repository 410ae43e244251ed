using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>The two drive layouts: OpenStack config drive (openstack/latest/...) and NoCloud (user-data, meta-data, network-config).</summary>
internal static class DriveLayout
{
    public const string OpenStackDirectory = "openstack/latest";

    public static bool IsConfigDrive(string root) => Directory.Exists(Path.Combine(root, OpenStackDirectory));

    public static bool IsNoCloud(string root) => File.Exists(Path.Combine(root, "user-data")) || File.Exists(Path.Combine(root, "meta-data"));

    public static CloudData ReadConfigDrive(string root, string source)
    {
        var latest = Path.Combine(root, OpenStackDirectory);
        var metadata = OpenStackFormat.Read(
            ReadOptional(latest, "meta_data.json", source), ReadOptional(latest, "network_data.json", source), source,
            $"{OpenStackDirectory}/meta_data.json", $"{OpenStackDirectory}/network_data.json");
        return new CloudData(ReadOptional(latest, "user_data", source), metadata);
    }

    public static CloudData ReadNoCloud(string root, string source, ICollection<string> warnings)
    {
        var metaData = ReadOptional(root, "meta-data", source);
        var network = ReadOptional(root, "network-config", source);
        var metadata = NoCloudFormat.Read(
            metaData is null ? null : System.Text.Encoding.UTF8.GetString(metaData),
            network is null ? null : System.Text.Encoding.UTF8.GetString(network),
            source, "meta-data", "network-config", warnings);
        return new CloudData(ReadOptional(root, "user-data", source), metadata);
    }

    private static byte[]? ReadOptional(string directory, string name, string source)
    {
        var path = Path.Combine(directory, name);
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasourceException(source, $"{name}: {e.Message}", e);
        }
    }
}
