using CorralOS.Init.Boot;

namespace CorralOS.Install;

/// <summary>`ros os rollback`: grubenv's default goes back to the previous version (or a pending try is called off).</summary>
public static class BootRollback
{
    public static string Run(string bootRoot)
    {
        var path = GrubEnvironment.PathIn(bootRoot);
        var (current, next) = BootChoice.Update(path, choice => choice?.Rollback());
        if (current is null)
        {
            throw new InstallException($"{path} names no default version: nothing to roll back (ros install first)");
        }
        if (next is null)
        {
            throw new InstallException($"there is no previous version to roll back to (CorralOS {current.Default} is the only one kept)");
        }
        return current.Trying is { } called
            ? $"CorralOS {called} will not be tried; {next.Default} stays the default"
            : $"CorralOS {next.Default} boots by default from the next boot ({current.Default} is kept as the previous version)";
    }
}
