using System.Text.Json.Nodes;

namespace CorralOS.Engine.Containers;

/// <summary>
/// HostConfig.Devices (`--device /dev/HOST[:/dev/CTR][:rwm]`): each host device node (symlinks followed) becomes a
/// node in the container (linux.devices, with the host's numbers, mode and owner) and a cgroup rule allowing the
/// given access. Checked at create, so a missing host path is a 400 there.
/// </summary>
public static class DeviceMappings
{
    public sealed record Device(string PathOnHost, string PathInContainer, Linux.DeviceNode Node, string Access);

    public static List<Device> Resolve(HostConfig host)
    {
        var devices = new List<Device>();
        foreach (var mapping in host.Devices ?? [])
        {
            var onHost = mapping.PathOnHost ?? "";
            var inContainer = string.IsNullOrEmpty(mapping.PathInContainer) ? onHost : mapping.PathInContainer;
            var access = string.IsNullOrEmpty(mapping.CgroupPermissions) ? "rwm" : mapping.CgroupPermissions;
            if (!onHost.StartsWith('/') || !inContainer.StartsWith('/'))
            {
                throw new InvalidArgumentException($"invalid device mapping {onHost}:{inContainer}: paths must be absolute");
            }
            if (access.Any(c => c is not ('r' or 'w' or 'm')) || access.Distinct().Count() != access.Length)
            {
                throw new InvalidArgumentException($"invalid device mode: {access}");
            }
            Linux.DeviceNode? node;
            try
            {
                node = Linux.SpecialFiles.Device(onHost);
            }
            catch (Linux.SystemCallException e)
            {
                throw new InvalidArgumentException($"error gathering device information while adding custom device \"{onHost}\": {e.Message}");
            }
            devices.Add(new Device(onHost, inContainer, node ?? throw new InvalidArgumentException($"error gathering device information while adding custom device \"{onHost}\": not a device node"), access));
        }
        if (host.Privileged && devices.Any(d => d.PathInContainer != d.PathOnHost))
        {
            // A privileged container's /dev is the host's own (bound): a new node there would appear on the host.
            throw new InvalidArgumentException("a device at another path than on the host is not supported with --privileged (the container sees the host's /dev)");
        }
        return devices;
    }

    /// <summary>The spec's linux.devices entries (none when privileged: the host's /dev is there already).</summary>
    public static JsonArray Nodes(IEnumerable<Device> devices) => new(devices.Select(d => (JsonNode)new JsonObject
    {
        ["path"] = d.PathInContainer,
        ["type"] = d.Node.Type.ToString(),
        ["major"] = d.Node.Major,
        ["minor"] = d.Node.Minor,
        ["fileMode"] = d.Node.Mode,
        ["uid"] = d.Node.Uid,
        ["gid"] = d.Node.Gid,
    }).ToArray());

    /// <summary>The cgroup rule allowing one device with its access.</summary>
    public static JsonNode Rule(Device device) => new JsonObject
    {
        ["allow"] = true,
        ["type"] = device.Node.Type.ToString(),
        ["major"] = device.Node.Major,
        ["minor"] = device.Node.Minor,
        ["access"] = device.Access,
    };
}
