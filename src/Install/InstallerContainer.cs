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

    /// <summary>Runs the install to the end, its output copied to <paramref name="stdout"/>/<paramref name="stderr"/>; the exit code.</summary>
    public Task<long> RunAsync(string image, InstallRequest request, Stream stdout, Stream stderr, CancellationToken cancellationToken = default) =>
        RunAsync(image, ["/usr/bin/ros", "install"],
            [InstallerFlag, "--device", request.Device, "--install-type", request.Type.Name(), "--append", request.KernelAppend, "--force", "--no-reboot"],
            request.CloudConfig is { } config ? [$"{CloudConfigVariable}={Convert.ToBase64String(config)}"] : [],
            ["/dev:/dev"], stdout, stderr, cancellationToken);

    /// <summary>
    /// `ros os upgrade`'s writing, by the new image's ros (`ros os upgrade --installer`), onto the host's
    /// <paramref name="bootRoot"/> (the state filesystem holding /boot), bound in at the same path.
    /// </summary>
    public Task<long> RunUpgradeAsync(string image, string bootRoot, string runningVersion, string? kernelAppend, Stream stdout, Stream stderr, CancellationToken cancellationToken = default) =>
        RunAsync(image, ["/usr/bin/ros", "os", "upgrade"],
            [InstallerFlag, "--boot-root", bootRoot, "--running", runningVersion, .. kernelAppend is null ? Array.Empty<string>() : ["--append", kernelAppend], "--force", "--no-reboot"],
            [], [$"{bootRoot}:{bootRoot}"], stdout, stderr, cancellationToken);

    private async Task<long> RunAsync(string image, List<string> entrypoint, List<string> cmd, List<string> env, List<string> binds, Stream stdout, Stream stderr, CancellationToken cancellationToken)
    {
        await RemoveAsync(cancellationToken).ConfigureAwait(false);
        var spec = new ContainerSpec
        {
            Image = image,
            Entrypoint = entrypoint,
            Cmd = cmd,
            Env = env,
            Labels = new Dictionary<string, string> { ["io.rancher.os.scope"] = "system" },
            HostConfig = new HostSpec
            {
                Privileged = true,
                NetworkMode = "host",
                PidMode = "host",
                Binds = binds,
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
