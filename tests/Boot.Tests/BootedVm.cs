using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// A class fixture: boots one VM, waits for the last boot phase and a shell, and shares it between the tests of a class.
/// At most CORRALOS_MAX_VMS (default 2: the machine has 2 cores) of these run at once in this process.
/// </summary>
public abstract class BootedVm : IAsyncLifetime
{
    public static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ShellTimeout = TimeSpan.FromMinutes(2);

    private static readonly SemaphoreSlim s_slots = new(MaxVms(), MaxVms());
    private QemuVm? _vm;
    private bool _holdsSlot;

    public QemuVm Vm => _vm ?? throw new InvalidOperationException("the VM did not start");

    /// <summary>The match of "init: boot phases done".</summary>
    public ConsoleMatch PhasesDone { get; private set; } = null!;

    protected abstract QemuOptions Options { get; }

    public async ValueTask InitializeAsync()
    {
        await s_slots.WaitAsync();
        _holdsSlot = true;
        try
        {
            await PrepareAsync();
            _vm = await QemuVm.StartAsync(Options);
            PhasesDone = await _vm.WaitForConsoleAsync(new Regex("init: boot phases done"), BootTimeout);
            await ReadyAsync(_vm);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs before QEMU starts (files the options refer to).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>What "booted" means for the class: by default PID 1's shell answers on the console.</summary>
    protected virtual Task ReadyAsync(QemuVm vm) => vm.WaitForShellAsync(ShellTimeout);

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_vm is not null)
        {
            await _vm.DisposeAsync();
        }

        if (_holdsSlot)
        {
            _holdsSlot = false;
            s_slots.Release();
        }
    }

    private static int MaxVms() =>
        int.TryParse(Environment.GetEnvironmentVariable("CORRALOS_MAX_VMS"), out var n) && n > 0 ? n : Math.Max(1, Math.Min(2, Environment.ProcessorCount));
}

public sealed class IsoBiosVm : BootedVm
{
    protected override QemuOptions Options => new() { Name = "iso-bios", Boot = BootMode.IsoBios };
}

public sealed class IsoUefiVm : BootedVm
{
    protected override QemuOptions Options => new() { Name = "iso-uefi", Boot = BootMode.IsoUefi };
}

public sealed class DirectKernelVm : BootedVm
{
    public const string Hostname = "testhost";

    protected override QemuOptions Options => new()
    {
        Name = "direct-kernel",
        Boot = BootMode.DirectKernel,
        ExtraCmdline = $"cc.hostname={Hostname} rancher.debug=true",
    };
}
