namespace CorralOS.Config.Model;

/// <summary>One entry of <c>rancher.repositories</c>: a services/consoles/engines catalog.</summary>
public sealed class RepositoryConfig
{
    public string? Url { get; set; }
}
