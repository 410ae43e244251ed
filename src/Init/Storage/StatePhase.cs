using System.Diagnostics;
using CorralOS.Config;
using CorralOS.Linux;

namespace CorralOS.Init.Storage;

/// <summary>
/// Finds the state device (rancher.state.dev: LABEL=, UUID= or a path; waiting up to 30 s with
/// rancher.state.wait), formats a blank one listed in rancher.state.autoformat, mounts it at /state and binds
/// the persistent directories; a RANCHER_BOOT on the same disk holds /boot (<see cref="BootPartition"/>). Without a usable device the system runs from RAM, unless
/// rancher.state.required is set: then the phase fails and the console becomes a recovery shell.
/// </summary>
public sealed class StatePhase : IBootPhase
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly string[] s_boot2DockerDisks = ["/dev/sda", "/dev/vda"];
    private readonly BlockDevices _devices;
    private bool _required;

    private readonly Config.ConfigPaths _configPaths;

    public StatePhase(BlockDevices? devices = null, Config.ConfigPaths? configPaths = null)
    {
        _devices = devices ?? new BlockDevices();
        _configPaths = configPaths ?? new Config.ConfigPaths();
    }

    public string Name => "state";

    public bool Required => _required;

    public string Run(BootContext context)
    {
        var spec = ConfigTree.GetString(context.Config, "rancher.state.dev");
        _required = ConfigTree.GetBool(context.Config, "rancher.state.required");
        var wait = ConfigTree.GetBool(context.Config, "rancher.state.wait");
        var autoformat = ConfigTree.GetStrings(context.Config, "rancher.state.autoformat").ToList();
        // docker-machine's disks: an existing B2D_STATE, or a first disk carrying boot2docker's magic, is the state.
        if (_devices.Resolve("LABEL=" + AutoFormat.Boot2DockerLabel) is not null)
        {
            spec = "LABEL=" + AutoFormat.Boot2DockerLabel;
        }
        else if (s_boot2DockerDisks.FirstOrDefault(d => File.Exists(d) && AutoFormat.LabelFor(d) == AutoFormat.Boot2DockerLabel) is { } magic)
        {
            spec = "LABEL=" + AutoFormat.Boot2DockerLabel;
            autoformat.Insert(0, magic);
        }
        if (string.IsNullOrEmpty(spec))
        {
            return RunFromRam("no rancher.state.dev");
        }

        var formatted = "";
        FormattedDisk? done = null;
        if (autoformat.Count > 0)
        {
            // Wait for the disks to format, not for a label that a blank disk cannot have yet.
            WaitForAnyOf(autoformat, wait);
        }
        var device = Find(spec, wait && autoformat.Count == 0);
        if (device is null && autoformat.Count > 0 && (done = AutoFormat.Run(autoformat)) is not null)
        {
            formatted = $"formatted {done.Device} as {done.Label}, ";
            device = done.Label == AutoFormat.Boot2DockerLabel ? done.Device : Find(spec, wait: true);
        }
        if (device is null)
        {
            return RunFromRam($"state device {spec} not found");
        }

        var fstype = ConfigTree.GetString(context.Config, "rancher.state.fstype") is { Length: > 0 } t and not "auto"
            ? t
            : FileSystemProbe.Probe(device)?.Type ?? "ext4";
        Directory.CreateDirectory(Persistence.StateMount);
        try
        {
            Mounts.Mount(device, Persistence.StateMount, fstype, MountFlags.RelAtime);
        }
        catch (SystemCallException e)
        {
            return RunFromRam($"cannot mount {device} ({fstype}): {e.Message}");
        }

        var root = Persistence.StateMount;
        if (ConfigTree.GetString(context.Config, "rancher.state.directory") is { Length: > 0 } subdirectory)
        {
            root = Path.Combine(root, subdirectory.TrimStart('/'));
            Directory.CreateDirectory(root);
        }
        Persistence.BindAll(root);
        context.StateDevice = device;
        if (BootPartition.MountOver(_devices, device) is { } boot)
        {
            context.Warnings.Add(boot);
        }
        if (done?.Boot2DockerUserData is { } userData)
        {
            formatted += $"{Boot2DockerUserData.Install(userData, root)} boot2docker SSH keys for docker, ";
        }
        // The user's layers (cloud-config.yml, cloud-config.d) live on the state disk: read them now.
        var config = Phases.ConfigPhase.Load(context, _configPaths);
        return $"{formatted}{device} ({fstype}) mounted at {root}, persistent: {string.Join(' ', Persistence.Directories)}; config reloaded: {config}";
    }

    private string RunFromRam(string reason)
    {
        if (_required)
        {
            throw new IOException($"{reason}, and rancher.state.required is set");
        }
        return $"{reason}: running from RAM, nothing persists";
    }

    private static void WaitForAnyOf(IReadOnlyList<string> disks, bool wait)
    {
        var clock = Stopwatch.StartNew();
        while (wait && !disks.Any(File.Exists) && clock.Elapsed < s_wait)
        {
            Thread.Sleep(250);
        }
    }

    private string? Find(string spec, bool wait)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var device = _devices.Resolve(spec);
            if (device is not null || !wait || clock.Elapsed > s_wait)
            {
                return device;
            }
            Thread.Sleep(250);
        }
    }
}
