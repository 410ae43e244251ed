using CorralOS.Engine.Client;

namespace CorralOS.Install;

/// <summary>
/// Runs the install in a System Docker container of the OS image: its own ros (`ros install --installer ...`) with
/// the image's Debian tools, privileged, with the host's /dev (partitions appear there as the kernel adds them) and
/// PID 1's /proc, so the in-use checks see the host's mounts. The cloud-config travels in the environment.
/// </summary>
public sealed class InstallerContainer(EngineClient engine)
{
    public const string ContainerName = "ros-install";
    public const string InstallerFlag = "--installer";
    public const string CloudConfigVariable = "CORRALOS_INSTALL_CLOUD_CONFIG";

    /// <summary>Runs it to the end, its output copied to <paramref name="stdout"/>/<paramref name="stderr"/>; the exit code.</summary>
    public async Task<long> RunAsync(string image, InstallRequest request, Stream stdout, Stream stderr, CancellationToken cancellationToken = default)
    {
        await RemoveAsync(cancellationToken).ConfigureAwait(false);
        var spec = new ContainerSpec
        {
            Image = image,
            Entrypoint = ["/usr/bin/ros", "install"],
            Cmd = [InstallerFlag, "--device", request.Device, "--install-type", request.Type.Name(), "--append", request.KernelAppend, "--force", "--no-reboot"],
            Env = request.CloudConfig is { } config ? [$"{CloudConfigVariable}={Convert.ToBase64String(config)}"] : [],
            Labels = new Dictionary<string, string> { ["io.rancher.os.scope"] = "system" },
            HostConfig = new HostSpec
            {
                Privileged = true,
                NetworkMode = "host",
                PidMode = "host",
                Binds = ["/dev:/dev"],
            },
        };
        var id = await engine.CreateContainerAsync(ContainerName, spec, cancellationToken).ConfigureAwait(false);
        try
        {
            await engine.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
            var logs = engine.LogsAsync(id, stdout, stderr, follow: true, cancellationToken: cancellationToken);
            var code = await engine.WaitContainerAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
            await logs.ConfigureAwait(false);
            return code;
        }
        finally
        {
            await engine.RemoveContainerAsync(id, force: true, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await engine.RemoveContainerAsync(ContainerName, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (EngineApiException e) when (e.IsNotFound)
        {
        }
    }
}
