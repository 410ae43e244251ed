namespace CorralOS.CloudInit;

/// <summary>What a datasource hands over: user data as it came (null when there is none) and metadata.</summary>
public sealed record CloudData(byte[]? UserData, InstanceMetadata Metadata)
{
    /// <summary>Parts of the metadata that were read but have no CorralOS meaning (reported, not fatal).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
