using CorralOS.Init.Boot;

namespace CorralOS.Install;

/// <summary>`ros os rollback`: grubenv's default goes back to the previous version (or a pending try is called off).</summary>
public static class BootRollback
{
    public static string Run(string bootRoot)
    {
        var boot = Path.Combine(bootRoot, "boot");
        var path = BootFiles.GrubEnvPath(boot);
        var variables = GrubEnvironment.Read(path);
        var current = BootChoice.From(variables)
            ?? throw new InstallException($"{path} names no default version: nothing to roll back (ros install first)");
        var next = current.Rollback()
            ?? throw new InstallException($"there is no previous version to roll back to (CorralOS {current.Default} is the only one kept)");
        GrubEnvironment.Write(path, next.ApplyTo(variables));
        return current.Trying is { } called
            ? $"CorralOS {called} will not be tried; {next.Default} stays the default"
            : $"CorralOS {next.Default} boots by default from the next boot ({current.Default} is kept as the previous version)";
    }
}
