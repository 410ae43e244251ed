using System.CommandLine;
using CorralOS.Engine.Client;
using CorralOS.Install;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros install`: puts CorralOS on a disk (docs/install.md). Where it is typed (console or PID 1's shell) it checks the
/// disk, asks, loads the OS image into System Docker (from the boot medium, an archive or a registry) and runs the
/// install in a container of that image (--installer), whose ros partitions, formats and writes GRUB with Debian's tools.
/// </summary>
internal static class InstallApplet
{
    public static Applet Create() => new("install", "Install CorralOS to a disk (GPT for BIOS and UEFI, MBR, or existing partitions)", command =>
    {
        var device = new Option<string>("--device", "-d") { Description = "The whole disk to install to, e.g. /dev/sda", Required = true };
        var type = new Option<string>("--install-type", "-t") { Description = "generic (GPT: BIOS boot, ESP, RANCHER_STATE; boots BIOS and UEFI), msdos (MBR, BIOS), noformat (existing RANCHER_STATE, and RANCHER_BOOT for /boot if the disk has one; the boot loader is kept and must load /boot/grub/grub.cfg)", DefaultValueFactory = _ => "generic" };
        type.AcceptOnlyFromAmong([.. InstallTypes.Names]);
        var cloudConfig = new Option<string?>("--cloud-config", "-c") { Description = "A cloud-config file or http(s) URL, copied to the state's cloud-config.d" };
        var append = new Option<string>("--append", "-a") { Description = "Kernel arguments to add to the boot entry (kept in /boot/append for upgrades)", DefaultValueFactory = _ => "" };
        var image = new Option<string?>("--image", "-i") { Description = "The OS image: a registry reference pulled through System Docker, or a docker save archive (default: images/os.tar of the boot medium)" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask before erasing the disk or rebooting" };
        var noReboot = new Option<bool>("--no-reboot") { Description = "Do not reboot when done" };
        var installer = new Option<bool>(InstallerContainer.InstallerFlag) { Description = "Run the install itself (inside the OS image)", Hidden = true };
        foreach (var option in new Option[] { device, type, cloudConfig, append, image, force, noReboot, installer })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var progress = new Progress(output);
            var installType = InstallTypes.Parse(parse.GetValue(type)!);
            var kernelAppend = parse.GetValue(append) ?? "";
            if (parse.GetValue(installer))
            {
                var config = Environment.GetEnvironmentVariable(InstallerContainer.CloudConfigVariable) is { Length: > 0 } encoded ? Convert.FromBase64String(encoded) : null;
                new Installer(progress).Run(new InstallRequest(parse.GetValue(device)!, installType, kernelAppend, config), OsVersionFiles.Read());
                return 0;
            }

            var disk = TargetDisk.Open(parse.GetValue(device)!);
            disk.EnsureUnused();
            var content = parse.GetValue(cloudConfig) is { } source ? await CloudConfigFile.ReadAsync(source, cancellationToken) : null;
            var request = new InstallRequest(disk.Device, installType, kernelAppend, content);
            if (!parse.GetValue(force) && !Confirm(output, installType == InstallType.NoFormat
                    ? $"Install CorralOS onto the existing partitions of {disk.Device}?"
                    : $"Erase everything on {disk.Device} and install CorralOS ({installType.Name()})?"))
            {
                parse.InvocationConfiguration.Error.WriteLine("ros install: not confirmed; nothing was changed");
                return 1;
            }

            using var engine = new EngineClient(Environment.GetEnvironmentVariable("SYSTEM_DOCKER_HOST") is { Length: > 0 } host ? host : EngineClient.SystemDockerHost);
            var osImage = await new OsImageSource(engine, progress).PrepareAsync(parse.GetValue(image), cancellationToken);
            progress.Step($"running the installer of {osImage}");
            await using var stdout = new TextWriterStream(output);
            await using var stderr = new TextWriterStream(parse.InvocationConfiguration.Error);
            var code = await new InstallerContainer(engine).RunAsync(osImage, request, stdout, stderr, cancellationToken);
            if (code != 0)
            {
                parse.InvocationConfiguration.Error.WriteLine($"ros install: the installer failed (exit {code}); see its lines above");
                return 1;
            }
            if (parse.GetValue(noReboot) || (!parse.GetValue(force) && !Confirm(output, "Reboot now?")))
            {
                return 0;
            }
            progress.Step("rebooting");
            return PowerApplets.Execute(Linux.PowerAction.Reboot, force: false);
        });
    }, OwnName: false);

    internal static bool Confirm(TextWriter output, string question)
    {
        output.Write($"{question} [y/N] ");
        output.Flush();
        var answer = System.Console.In.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}
