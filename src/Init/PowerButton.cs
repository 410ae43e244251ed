using System.Buffers.Binary;

namespace CorralOS.Init;

/// <summary>
/// Watches the ACPI power button (an input device named "Power Button") and reports a press, so that a
/// hypervisor's "power down" (QEMU system_powerdown, a VM's ACPI shutdown) or the real button shuts the
/// machine down cleanly. Reads evdev records: struct input_event is 24 bytes on x86_64.
/// </summary>
public sealed class PowerButton
{
    private const int EventSize = 24;
    private const ushort EV_KEY = 1;
    private const ushort KEY_POWER = 116;

    private readonly string _sysRoot;
    private readonly string _devRoot;

    public PowerButton(string sysRoot = "/sys", string devRoot = "/dev")
    {
        _sysRoot = sysRoot;
        _devRoot = devRoot;
    }

    /// <summary>Event devices whose name says they are a power button.</summary>
    public IReadOnlyList<string> FindDevices()
    {
        var inputs = Path.Combine(_sysRoot, "class/input");
        if (!Directory.Exists(inputs))
        {
            return [];
        }
        return Directory.EnumerateFileSystemEntries(inputs, "event*")
            .Where(dir => File.Exists(Path.Combine(dir, "device/name"))
                && File.ReadAllText(Path.Combine(dir, "device/name")).Trim() == "Power Button")
            .Select(dir => Path.Combine(_devRoot, "input", Path.GetFileName(dir)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>True when one input_event record is a press of KEY_POWER.</summary>
    public static bool IsPowerPress(ReadOnlySpan<byte> record) =>
        record.Length >= EventSize
        && BinaryPrimitives.ReadUInt16LittleEndian(record[16..]) == EV_KEY
        && BinaryPrimitives.ReadUInt16LittleEndian(record[18..]) == KEY_POWER
        && BinaryPrimitives.ReadInt32LittleEndian(record[20..]) == 1;

    /// <summary>Starts one reader thread per power button; <paramref name="pressed"/> runs on a press.</summary>
    public int Watch(Action pressed)
    {
        var devices = FindDevices();
        foreach (var device in devices)
        {
            // Blocking reads on a dedicated thread: evdev has no use for the thread pool.
            var thread = new Thread(() => ReadLoop(device, pressed)) { IsBackground = true, Name = "power-button" };
            thread.Start();
        }
        return devices.Count;
    }

    private static void ReadLoop(string device, Action pressed)
    {
        try
        {
            using var stream = new FileStream(device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var record = new byte[EventSize];
            while (stream.ReadAtLeast(record, EventSize, throwOnEndOfStream: false) == EventSize)
            {
                if (IsPowerPress(record))
                {
                    pressed();
                }
            }
        }
        catch (IOException)
        {
            // The device went away; nothing left to watch.
        }
    }
}
