using System.CommandLine;
using CorralOS.Engine.Client;
using CorralOS.Init.SystemDocker;
using CorralOS.Install;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros os upgrade --upgrade-console`: before the boot files are written, the new version's image of the persistent
/// console (rancher.console) is staged in /var/lib/rancher/images, where the new version's PID 1 loads it from
/// (docs/upgrade.md, "Persistent consoles"). It comes from an archive already staged there, else from the registry of
/// the OS image (pulled through System Docker, which verifies every digest), or, when the OS image was an archive, from
/// the boot medium's consoles/. It replaces the archive of the same name (the previous image: a rollback keeps the
/// newer one, <see cref="PersistentConsoleImage.Kept"/>). The default console needs nothing: every initrd has it.
/// </summary>
internal sealed class ConsoleUpgradeStaging(ParseResult parse, EngineClient engine, Progress progress)
{
    /// <summary>The image the new version's catalog asks for, staged; null for a console that is not persistent.</summary>
    /// <param name="reference">The OS image as given (a registry reference or an archive path).</param>
    /// <param name="osImage">The OS image's name in System Docker; its tag is the new version.</param>
    public async Task<string?> StageAsync(string reference, string osImage, CancellationToken cancellationToken)
    {
        using var ctx = new ServiceContext(parse, ConfigRoot.Paths(null), EngineClient.SystemDockerHost, EngineClient.UserDockerHost, update: false);
        var name = Consoles.Enabled(ctx.Config);
        var project = await ProjectLoader.LoadAsync(ctx.Config, ctx.Catalog, cancellationToken);
        if (project.Services.FirstOrDefault(s => s.Name == Consoles.Service) is not { Image: { } current } console || !PersistentConsoleImage.IsPersistent(console))
        {
            progress.Step($"--upgrade-console: console {name} is in every version's initrd; nothing to stage");
            return null;
        }
        var target = PersistentConsoleImage.ForVersion(current, PersistentConsoleImage.Tag(osImage));
        var staged = Path.Combine(ctx.Paths.Root, SystemDockerPaths.StagedImagesDirectory.TrimStart('/'));
        if (SystemImageIndex.Read(staged).ArchiveOf(target) is { } archive)
        {
            progress.Step($"console {name}: {target} is staged ({archive})");
            return target;
        }
        var file = Path.Combine(staged, BootMediumArchive.FileName(target));
        if (File.Exists(reference))
        {
            // An OS image archive names no registry: the boot medium's consoles/NAME.tar, when it is the new version's.
            progress.Step($"copying {target} from the boot medium");
            _ = BootMediumArchive.TryCopy(target, "consoles", staged, source => ImageArchive.Tag(source) == target, out var why)
                ?? throw new InstallException($"--upgrade-console: {target} is not staged, an OS image archive names no registry to pull it from, and {why}");
        }
        else
        {
            await PullAsync(PersistentConsoleImage.PullSource(reference, target), target, file, cancellationToken);
        }
        progress.Step($"console {name}: staged {target} as {file}");
        return target;
    }

    private async Task PullAsync(string source, string target, string file, CancellationToken cancellationToken)
    {
        try
        {
            await new OsImageSource(engine, progress).PullAsync(source, cancellationToken);
            if (source != target)
            {
                await engine.TagImageAsync(source, PersistentConsoleImage.Repository(target), PersistentConsoleImage.Tag(target), cancellationToken);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temporary = file + ".partial";
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                await engine.SaveImagesAsync([target], output, cancellationToken);
                output.Flush(flushToDisk: true);
            }
            File.Move(temporary, file, overwrite: true);
            // The next boot loads it from the archive: System Docker's store is in RAM, which the OS image fills too.
            foreach (var name in new[] { target, source }.Distinct(StringComparer.Ordinal))
            {
                try
                {
                    await engine.RemoveImageAsync(name, force: false, cancellationToken);
                }
                catch (EngineApiException e)
                {
                    progress.Step($"warning: {name} stays in System Docker until the reboot: {e.Message}");
                }
            }
        }
        catch (Exception e) when (e is EngineApiException or HttpRequestException)
        {
            throw new InstallException($"--upgrade-console: cannot pull {source}: {e.Message}");
        }
    }
}
