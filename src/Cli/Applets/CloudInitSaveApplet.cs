using System.CommandLine;
using CorralOS.CloudInit;
using CorralOS.Config;
using CorralOS.Init.Storage;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `cloud-init-save`: fetch user data and metadata from the first available datasource and write boot.yml,
/// cloud-config-script, metadata and network.yml (docs/cloud-init.md). Exit 1 only when a source answered but could
/// not be read or the files could not be written; no source at all is not an error.
/// </summary>
internal static class CloudInitSaveApplet
{
    public static Applet Create() => new("cloud-init-save", "Fetch user data and metadata from the datasources and save them as config layers", command =>
    {
        var root = ConfigRoot.Option();
        var sys = new Option<string>("--sys") { Description = "sysfs root: DMI ids, block devices, 9p tags", DefaultValueFactory = _ => "/sys", Hidden = true };
        var mountDir = new Option<string>("--mount-dir") { Description = "Where drives are mounted while being read", DefaultValueFactory = _ => "/run/cloud-init", Hidden = true };
        var metadataUrl = new Option<string?>("--metadata-url") { Description = "Serve every cloud's metadata from this base URL (testing)", Hidden = true };
        var datasources = new Option<string[]>("--datasource", "-d")
        {
            Description = "Datasource to probe instead of rancher.cloud_init.datasources (repeatable): configdrive[:dir], nocloud[:dir], proxmox, file:PATH, url:URL, cmdline, ec2, gce, digitalocean, packet, openstack, *",
            AllowMultipleArgumentsPerToken = false,
        };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds to wait for a datasource (default 60 with a network source, else 5)" };
        command.Options.Add(root);
        command.Options.Add(sys);
        command.Options.Add(mountDir);
        command.Options.Add(metadataUrl);
        command.Options.Add(datasources);
        command.Options.Add(timeout);
        command.SetAction(parse =>
        {
            var paths = ConfigRoot.Paths(parse.GetValue(root));
            var sysRoot = parse.GetValue(sys)!;
            var devices = new BlockDevices(sysRoot);
            var options = new CloudInitOptions
            {
                Paths = paths,
                SysRoot = sysRoot,
                MountDirectory = parse.GetValue(mountDir)!,
                FindDeviceByLabel = label => devices.Resolve("LABEL=" + label),
                Endpoints = parse.GetValue(metadataUrl) is { } url ? MetadataEndpoints.At(new Uri(url.TrimEnd('/') + "/")) : new MetadataEndpoints(),
                SelectTimeout = parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
            var specs = parse.GetValue(datasources) is { Length: > 0 } listed
                ? listed
                : CloudInitSave.Datasources(new ConfigLoader(paths).Load().Tree, sysRoot);
            var report = CloudInitSave.RunAsync(specs, options, CancellationToken.None).GetAwaiter().GetResult();
            foreach (var message in report.Messages)
            {
                parse.InvocationConfiguration.Output.WriteLine($"cloud-init-save: {message}");
            }
            foreach (var problem in report.Problems)
            {
                parse.InvocationConfiguration.Error.WriteLine($"cloud-init-save: {problem}");
            }
            return report.Failed ? 1 : 0;
        });
    });
}
