using CorralOS.Init.Storage;

namespace CorralOS.Install;

/// <summary>noformat: the disk's existing RANCHER_STATE partition, and RANCHER_BOOT if it has one (then /boot goes there).</summary>
public static class ExistingPartitions
{
    public const string BootLabel = BootPartition.Label;

    public static DiskLayout Find(TargetDisk disk)
    {
        var labelled = disk.PartitionNames()
            .Select(name => "/dev/" + name)
            .Select(device => (Device: device, Label: FileSystemProbe.Probe(device)?.Label))
            .ToList();
        var state = labelled.FirstOrDefault(p => p.Label == PartitionTable.StateLabel).Device
            ?? throw new InstallException($"{disk.Device} has no {PartitionTable.StateLabel} partition (noformat installs onto existing partitions)");
        var boot = labelled.FirstOrDefault(p => p.Label == BootLabel).Device ?? state;
        return new DiskLayout(state, boot, null, BiosBoot: false);
    }
}
