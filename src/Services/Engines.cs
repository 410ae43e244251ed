namespace CorralOS.Services;

/// <summary>
/// The User Docker engines (reference §6.2): `docker`, the built-in service of rancher.services, and the catalog's
/// (index.yml `engines:`, each file defining the service `docker`, e.g. podman). rancher.docker.engine names the one
/// PID 1 brings up; the rules are those of every <see cref="SwitchableService"/>.
/// </summary>
public static class Engines
{
    public static SwitchableService Switchable => SwitchableService.Engine;

    public const string Default = "docker";

    /// <summary>The service every engine file defines; it replaces rancher.services.docker.</summary>
    public const string Service = "docker";

    /// <summary>The label an engine's container carries its name in (the built-in one has none).</summary>
    public const string Label = Compose.RancherLabels.Engine;
}
