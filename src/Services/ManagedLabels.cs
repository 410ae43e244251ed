namespace CorralOS.Services;

/// <summary>
/// Labels the service manager puts on every container it creates (libcompose's names, which RancherOS used): they
/// tie a container to its project and service, and record the hash of the definition it was created from.
/// </summary>
public static class ManagedLabels
{
    public const string Project = "io.docker.compose.project";
    public const string Service = "io.docker.compose.service";
    public const string ConfigHash = "io.docker.compose.config-hash";

    /// <summary>The compose project of the OS's services, as in RancherOS.</summary>
    public const string DefaultProject = "os";
}
