using CorralOS.Compose;
using CorralOS.Init.SystemDocker;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// Makes the image of a console or engine available to System Docker now and at every later boot, without the network
/// when it can (RancherOS pulled it; CorralOS has no registry of its own): an image System Docker has, or the initrd's
/// or an already staged archive holds, is used as it is; else the boot medium's &lt;mediumFolder&gt;/&lt;image name&gt;.tar
/// (the ISO's consoles/ and engines/, see build/consoles.sh and build/engines.sh) is copied to /var/lib/rancher/images,
/// which is on the state disk and which PID 1 loads from on demand; else the image is pulled.
/// </summary>
/// <param name="mediumFolder">The ISO's folder of these archives: the catalog index key (consoles, engines).</param>
internal sealed class MediumImageStaging(ServiceContext ctx, string mediumFolder)
{
    public async Task StageAsync(ServiceDefinition service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(service.Image))
        {
            return;
        }
        var image = service.Image;
        var engine = ctx.Engine(ServiceScope.System);
        var staged = Path.Combine(ctx.Paths.Root, SystemDockerPaths.StagedImagesDirectory.TrimStart('/'));
        var index = SystemImageIndex.Read([Path.Combine(ctx.Paths.Root, ServiceContext.SystemImagesDirectory), staged], problem => ctx.Error.WriteLine($"warning: {problem}"));
        if (index.ArchiveOf(image) is null)
        {
            if (BootMediumArchive.TryCopy(image, mediumFolder, staged, accept: null, out var why) is { } copied)
            {
                ctx.WriteLine($"staged {image} from the boot medium as {copied}");
                index = SystemImageIndex.Read([staged]);
            }
            else
            {
                ctx.Error.WriteLine($"warning: {image}: {why}");
            }
        }
        if (index.ArchiveOf(image) is not null)
        {
            await index.LoadMissingAsync(engine, [image], ctx.WriteLine, cancellationToken);
            return;
        }
        await new ImageStager(ctx.Engine, ctx.WriteLine).StageAsync([service], cancellationToken);
    }
}
