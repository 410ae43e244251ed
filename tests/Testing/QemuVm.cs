using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace CorralOS.Testing;

/// <summary>The result of a shell command run in the guest: its combined stdout+stderr (LF line ends) and exit code.</summary>
public sealed record ShellResult(string Output, int ExitCode)
{
    /// <summary>Throws when the exit code is not 0.</summary>
    public ShellResult EnsureSuccess(string? what = null)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what ?? "guest command"} exited {ExitCode}: {Output}");
        }

        return this;
    }
}

/// <summary>
/// One QEMU virtual machine. Start it with <see cref="StartAsync"/>, talk to it through its serial console
/// (<see cref="WaitForConsoleAsync(string, TimeSpan, int, CancellationToken)"/>, <see cref="SendLineAsync"/>,
/// <see cref="RunAsync"/>), and dispose it: disposal kills QEMU and its children (guestfwd <c>nc</c>) if still running,
/// and so does the end of the test process. Each VM has its own work directory (console.log, qemu.log, disks), which is
/// kept when something failed (or with CORRALOS_KEEP_VMS=1) and otherwise reduced to its two logs.
/// </summary>
public sealed class QemuVm : IAsyncDisposable
{
    private const string ConsoleLogName = "console.log";
    private const string QemuLogName = "qemu.log";
    private static readonly ConcurrentDictionary<QemuVm, byte> s_live = new();
    private static readonly PosixSignalRegistration[] s_signals;
    private static int s_sequence;

    private readonly QemuOptions _options;
    private readonly Stopwatch _clock = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _stdinLock = new(1, 1);
    private readonly SemaphoreSlim _shellLock = new(1, 1);
    private readonly Dictionary<int, int> _hostPorts = [];
    private Process? _process;
    private Task _stdoutPump = Task.CompletedTask;
    private Task _stderrPump = Task.CompletedTask;
    private SerialConsole? _console;
    private bool _failed;
    private readonly CancellationTokenSource _resetWatchStop = new();
    private Task _resetWatch = Task.CompletedTask;
    private readonly Lock _processGate = new();
    private Task? _powerCycler;
    private int _disposed;

    static QemuVm()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        s_signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => KillAll()),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll()),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => KillAll()),
        ];
    }

    private QemuVm(QemuOptions options, Accelerator accel, string workDir)
    {
        _options = options;
        Accel = accel;
        WorkDir = workDir;
    }

    public string Name => _options.Name;

    public QemuOptions Options => _options;

    /// <summary>The accelerator actually used (TCG or KVM).</summary>
    public Accelerator Accel { get; }

    /// <summary>This VM's directory: console.log, qemu.log (QEMU's stderr), cmdline.txt, disks, config drive.</summary>
    public string WorkDir { get; }

    public string ConsoleLogPath => Path.Combine(WorkDir, ConsoleLogName);

    public SerialConsole Console => _console ?? throw new InvalidOperationException("not started");

    /// <summary>Host port on 127.0.0.1 forwarded to guest port 22 (0 without networking).</summary>
    public int SshPort => _hostPorts.GetValueOrDefault(22);

    /// <summary>Guest TCP port -> host port on 127.0.0.1, for every hostfwd.</summary>
    public IReadOnlyDictionary<int, int> HostPorts => _hostPorts;

    /// <summary>The HMP monitor's unix socket (null when <see cref="QemuOptions.Monitor"/> is off).</summary>
    public string? MonitorSocket { get; private set; }

    /// <summary>The QEMU command line, for messages.</summary>
    public IReadOnlyList<string> CommandLine { get; private set; } = [];

    /// <summary>Time since QEMU was started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public bool HasExited => _process is { HasExited: true } && _powerCycler is null or { IsCompleted: true };

    public int? ExitCode => HasExited ? _process!.ExitCode : null;

    /// <summary>QEMU's own stderr so far.</summary>
    public string QemuLog
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Starts QEMU. Falls back to TCG when KVM was chosen automatically and QEMU dies at once, and retries with a new port
    /// when a host forward cannot be bound.
    /// </summary>
    public static async Task<QemuVm> StartAsync(QemuOptions options, CancellationToken cancellationToken = default)
    {
        var accel = await AcceleratorProbe.ResolveAsync(options.Accel).ConfigureAwait(false);
        var forced = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CORRALOS_ACCEL")) || options.Accel != Accelerator.Auto;
        for (var attempt = 1; ; attempt++)
        {
            var vm = new QemuVm(options, accel, CreateWorkDir(options.Name));
            try
            {
                await vm.LaunchAsync(cancellationToken).ConfigureAwait(false);
                return vm;
            }
            catch (QemuStartException e) when (attempt < 4 && (e.PortClash || (accel == Accelerator.Kvm && !forced)))
            {
                vm._failed = true;
                await vm.DisposeAsync().ConfigureAwait(false);
                if (!e.PortClash)
                {
                    accel = Accelerator.Tcg;
                }
            }
            catch
            {
                vm._failed = true;
                await vm.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Keep this VM's work directory at disposal (call it when a check on the VM failed).</summary>
    public void MarkFailed() => _failed = true;

    /// <summary>Waits for <paramref name="text"/> on the console (from character <paramref name="from"/> on).</summary>
    public Task<ConsoleMatch> WaitForConsoleAsync(string text, TimeSpan timeout, int from = 0, CancellationToken cancellationToken = default) =>
        WaitForConsoleAsync(new Regex(Regex.Escape(text)), timeout, from, cancellationToken);

    /// <summary>
    /// Waits for <paramref name="pattern"/> on the console. Throws <see cref="ConsoleTimeoutException"/> with the last 40
    /// console lines when the timeout passes or QEMU exits first.
    /// </summary>
    public async Task<ConsoleMatch> WaitForConsoleAsync(Regex pattern, TimeSpan timeout, int from = 0, CancellationToken cancellationToken = default)
    {
        var m = await Console.TryWaitAsync(pattern, timeout, from, cancellationToken).ConfigureAwait(false);
        if (m is not null)
        {
            return m;
        }

        throw Failure(HasExited || Console.IsClosed
            ? $"QEMU exited (code {ExitCodeText()}) before /{pattern}/ appeared on the console"
            : $"/{pattern}/ did not appear on the console within {timeout.TotalSeconds:0} s");
    }

    /// <summary>Types <paramref name="line"/> and a newline into the serial console.</summary>
    public Task SendLineAsync(string line, CancellationToken cancellationToken = default) => SendAsync(line + "\n", cancellationToken);

    /// <summary>Types raw text into the serial console.</summary>
    public async Task SendAsync(string text, CancellationToken cancellationToken = default)
    {
        var stdin = _process?.StandardInput.BaseStream ?? throw new InvalidOperationException("not started");
        var bytes = Encoding.UTF8.GetBytes(text);
        await _stdinLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stdin.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw Failure($"cannot write to the serial console (QEMU exited, code {ExitCodeText()}): {e.Message}");
        }
        finally
        {
            _stdinLock.Release();
        }
    }

    /// <summary>
    /// Waits until a shell answers on the serial console (types an echo every few seconds until it comes back). With
    /// <paramref name="quietKernel"/> (default) it then runs <c>dmesg -n 1</c> so that kernel messages stop interleaving
    /// with command output on the console (emergency messages such as "reboot: Power down" still appear).
    /// </summary>
    public async Task WaitForShellAsync(TimeSpan timeout, bool quietKernel = true, CancellationToken cancellationToken = default)
    {
        var id = NewId();
        var deadline = _clock.Elapsed + timeout;
        var from = Console.Length;
        var pattern = new Regex(Regex.Escape($"__RD{id}__"));
        while (true)
        {
            await SendLineAsync($"echo '__RD''{id}__'", cancellationToken).ConfigureAwait(false);
            var left = deadline - _clock.Elapsed;
            var wait = left < TimeSpan.FromSeconds(3) ? left : TimeSpan.FromSeconds(3);
            if (wait <= TimeSpan.Zero || HasExited)
            {
                throw Failure($"no shell answered on the serial console within {timeout.TotalSeconds:0} s" +
                              (HasExited ? $" (QEMU exited, code {ExitCodeText()})" : ""));
            }

            if (await Console.TryWaitAsync(pattern, wait, from, cancellationToken).ConfigureAwait(false) is not null)
            {
                if (quietKernel)
                {
                    await RunAsync("dmesg -n 1", TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                }

                return;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> in the guest's serial shell and returns its output (stdout and stderr, stdin from
    /// /dev/null) and exit code. The output is found between two unique markers that the typed line itself does not
    /// contain (the shell joins quoted halves), so the terminal's echo never matches. Commands run one at a time, in the
    /// shell's own context (<c>cd</c> and variables persist).
    /// </summary>
    public async Task<ShellResult> RunAsync(string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        await _shellLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var id = NewId();
            var from = Console.Length;
            await SendLineAsync($"echo '__CB''{id}__'; {{ {command}\n}} </dev/null 2>&1; echo \"__CE\"\"{id}__ $?\"", cancellationToken)
                .ConfigureAwait(false);
            ConsoleMatch end;
            try
            {
                // Up to the line's end: "137" may arrive as "1" and then "37".
                end = await WaitForConsoleAsync(new Regex($@"__CE{id}__ (\d+)\r?\n"), limit, from, cancellationToken).ConfigureAwait(false);
            }
            catch (ConsoleTimeoutException e)
            {
                throw new ConsoleTimeoutException($"guest command `{command}` did not finish: {e.Message}");
            }

            var text = Console.TextFrom(from);
            var endIndex = end.End - from - end.Value.Length;
            var begin = text.LastIndexOf($"__CB{id}__", endIndex, StringComparison.Ordinal);
            var output = begin < 0 ? "" : text[(begin + $"__CB{id}__".Length)..endIndex];
            output = output.Replace("\r", "", StringComparison.Ordinal);
            output = output.StartsWith('\n') ? output[1..] : output;
            output = output.EndsWith('\n') ? output[..^1] : output;
            return new ShellResult(output, int.Parse(end.Match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        finally
        {
            _shellLock.Release();
        }
    }

    /// <summary>
    /// Runs one HMP monitor command (<c>sendkey ctrl-alt-delete</c>, <c>system_powerdown</c>, <c>info status</c>, ...)
    /// and returns what the monitor answered (escape sequences removed). Needs <see cref="QemuOptions.Monitor"/>.
    /// </summary>
    public async Task<string> MonitorCommandAsync(string command, CancellationToken cancellationToken = default)
    {
        var path = MonitorSocket ?? throw new InvalidOperationException("this VM has no monitor (QemuOptions.Monitor = false)");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var received = new StringBuilder();
        var buffer = new byte[4096];

        async Task ReadUntilPromptAsync(int prompts)
        {
            while (CountPrompts(received) < prompts)
            {
                var n = await socket.ReceiveAsync(buffer, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                received.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }

        await ReadUntilPromptAsync(1).ConfigureAwait(false);
        var start = received.Length;
        await socket.SendAsync(Encoding.UTF8.GetBytes(command + "\n"), cancellationToken).ConfigureAwait(false);
        await ReadUntilPromptAsync(2).ConfigureAwait(false);
        var answer = SerialConsole.Clean(received.ToString(start, received.Length - start));
        var lines = answer.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith("(qemu)", StringComparison.Ordinal));
        // The first line is the monitor echoing the command.
        return string.Join('\n', lines.SkipWhile(l => l.EndsWith(command, StringComparison.Ordinal)));

        static int CountPrompts(StringBuilder sb) => Regex.Count(sb.ToString(), @"\(qemu\) ");
    }

    /// <summary>Waits for QEMU to exit and returns its exit code; throws with the console tail on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var p = _process ?? throw new InvalidOperationException("not started");
        try
        {
            await (_powerCycler ?? p.WaitForExitAsync(cancellationToken)).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw Failure($"QEMU did not exit within {timeout.TotalSeconds:0} s");
        }

        p = _process;
        await _stdoutPump.ConfigureAwait(false);
        await _stderrPump.ConfigureAwait(false);
        return p.ExitCode;
    }

    /// <summary>Kills QEMU (and its children) if it still runs, closes the logs, and cleans the work directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        s_live.TryRemove(this, out _);
        await _resetWatchStop.CancelAsync().ConfigureAwait(false);
        await _resetWatch.ConfigureAwait(false);
        _resetWatchStop.Dispose();
        Process? current;
        lock (_processGate)
        {
            // _disposed is set: the power cycler starts no other QEMU after this one.
            current = _process;
        }
        if (current is { } p)
        {
            Kill(p);
            try
            {
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                // The power cycler sees the kill and ends (it closes the console) instead of starting QEMU again.
                await (_powerCycler ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _failed = true;
            }

            try
            {
                await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            await File.WriteAllTextAsync(Path.Combine(WorkDir, QemuLogName), QemuLog).ConfigureAwait(false);
            p.Dispose();
        }

        _console?.Dispose();
        if (MonitorSocket is not null)
        {
            File.Delete(MonitorSocket);
        }

        _stdinLock.Dispose();
        _shellLock.Dispose();

        var keep = _failed || _options.KeepWorkDir || Environment.GetEnvironmentVariable("CORRALOS_KEEP_VMS") == "1";
        if (!keep)
        {
            CleanWorkDir();
        }
    }

    public override string ToString() => $"{Name} ({_options.Boot}, {Accel}, {WorkDir})";

    /// <summary>
    /// A UEFI guest that may reboot is power-cycled instead: QEMU runs with -no-reboot, and when it ends on a reset (any
    /// normal end but the kernel's power-off or halt) the harness starts it again with the same disks, firmware
    /// variables and ports. OVMF under TCG (QEMU 7.2) sometimes hangs after a warm reset, silently and for good: the CI runs of
    /// sessions 9 and 11 waited 8 minutes in it, and a reset from the monitor did not bring it back. A cold start has
    /// not hung. The guest's own part of the reboot (services stopped, filesystems unmounted, the reset asked for) runs
    /// as before.
    /// </summary>
    private bool PowerCycles => _options.AllowReboot && _options.Boot is BootMode.IsoUefi or BootMode.DiskUefi;

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var args = await BuildArgsAsync(cancellationToken).ConfigureAwait(false);
        CommandLine = [_options.QemuBinary, .. args];
        await File.WriteAllTextAsync(Path.Combine(WorkDir, "qemu-cmdline.txt"),
            string.Join(' ', CommandLine.Select(Quote)) + "\n", cancellationToken).ConfigureAwait(false);

        _console = new SerialConsole(ConsoleLogPath, _clock);
        _clock.Start();
        StartProcess(args);
        s_live[this] = 0;
        if (PowerCycles)
        {
            _powerCycler = PowerCycleAsync(args);
        }
        else if (_options.AllowReboot && MonitorSocket is not null)
        {
            _resetWatch = StalledResetWatch.RunAsync(this, _resetWatchStop.Token);
        }

        // QEMU fails fast on bad options, KVM trouble and taken ports: wait until it prints something or a moment passes.
        var first = _process!;
        var started = Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(3) && !first.HasExited && _console!.Length == 0)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        if (first.HasExited && first.ExitCode != 0)
        {
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            var log = QemuLog;
            throw new QemuStartException(
                $"{Name}: QEMU failed to start (exit {first.ExitCode}) with `{string.Join(' ', CommandLine.Select(Quote))}`:\n{log}",
                log.Contains("host forwarding", StringComparison.OrdinalIgnoreCase) ||
                log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase));
        }
    }

    private void StartProcess(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(_options.QemuBinary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkDir,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + _options.QemuBinary);
        _stdoutPump = PumpStdoutAsync(_process.StandardOutput.BaseStream, _console!, closeAtEnd: !PowerCycles);
        _stderrPump = PumpStderrAsync(_process.StandardError);
    }

    /// <summary>Starts QEMU again each time it ended on the guest's reset (<see cref="PowerCycles"/>); closes the console after the last run.</summary>
    private async Task PowerCycleAsync(IReadOnlyList<string> args)
    {
        // The kernel says when it powers off or halts; a reset has no line of its own when it panics (panic=N) or the
        // firmware resets, so every other end of a QEMU that exited normally is taken as a reset.
        var stopped = new Regex(@"reboot: (Power down|System halted)");
        var from = 0;
        try
        {
            while (true)
            {
                var process = _process!;
                await process.WaitForExitAsync().ConfigureAwait(false);
                await _stdoutPump.ConfigureAwait(false);
                var powerOff = await Console.TryWaitAsync(stopped, TimeSpan.Zero, from, CancellationToken.None).ConfigureAwait(false);
                lock (_processGate)
                {
                    if (Volatile.Read(ref _disposed) != 0 || process.ExitCode != 0 || powerOff is not null)
                    {
                        return;
                    }
                    from = Console.Length;
                    Console.Note("harness: the guest asked for a reset; QEMU starts again (a power cycle, see QemuVm.PowerCycles)");
                    process.Dispose();
                    StartProcess(args);
                }
            }
        }
        finally
        {
            Console.Close();
        }
    }

    private async Task<List<string>> BuildArgsAsync(CancellationToken cancellationToken)
    {
        var o = _options;
        var a = new List<string>
        {
            "-name", $"corralos-{o.Name}",
            "-machine", "q35",
        };
        a.AddRange(AcceleratorProbe.Args(Accel));
        a.AddRange(["-m", o.MemoryMiB.ToString(CultureInfo.InvariantCulture), "-smp", o.Cpus.ToString(CultureInfo.InvariantCulture)]);
        // No default devices (no default NIC that would escape restrict=on), a plain VGA for realism, no window, no monitor.
        a.AddRange(["-nodefaults", "-vga", "std", "-display", "none"]);
        if (o.Monitor)
        {
            // Short path: unix socket paths are limited to 107 bytes, and work directories can be deep.
            MonitorSocket = Path.Combine(Path.GetTempPath(), $"corralos-mon-{NewId()}.sock");
            a.AddRange(["-monitor", $"unix:{MonitorSocket},server=on,wait=off"]);
        }
        else
        {
            a.AddRange(["-monitor", "none"]);
        }

        a.AddRange(["-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0"]);
        a.Add("-pidfile");
        a.Add(Path.Combine(WorkDir, "qemu.pid"));
        if (!o.AllowReboot || PowerCycles)
        {
            a.Add("-no-reboot");
        }

        switch (o.Boot)
        {
            case BootMode.DirectKernel:
                // init_shell before the extra part: anything after a "--" there goes to init as arguments.
                var cmdline = (o.BaseCmdline + (o.InitShell ? " rancher.init_shell " : " ") + o.ExtraCmdline).Trim();
                await File.WriteAllTextAsync(Path.Combine(WorkDir, "cmdline.txt"), cmdline + "\n", cancellationToken).ConfigureAwait(false);
                a.AddRange(["-kernel", RepoPaths.RequireFile(o.KernelPath ?? RepoPaths.Kernel)]);
                a.AddRange(["-initrd", RepoPaths.RequireFile(o.InitrdPath ?? RepoPaths.Initrd)]);
                a.AddRange(["-append", cmdline]);
                break;
            case BootMode.IsoBios or BootMode.IsoUefi:
                var iso = RepoPaths.RequireFile(o.IsoPath ?? RepoPaths.Iso);
                a.AddRange(["-drive", $"if=none,id=cd0,media=cdrom,readonly=on,format=raw,file={EscapeComma(iso)}"]);
                a.AddRange(["-device", "ide-cd,drive=cd0,bootindex=0"]);
                if (o.Boot == BootMode.IsoUefi)
                {
                    a.AddRange(await UefiArgsAsync(cancellationToken).ConfigureAwait(false));
                }

                break;
            case BootMode.DiskBios or BootMode.DiskUefi:
                if (o.DiskImage is null)
                {
                    throw new InvalidOperationException($"{o.Boot} needs QemuOptions.DiskImage");
                }

                if (o.Boot == BootMode.DiskUefi)
                {
                    a.AddRange(await UefiArgsAsync(cancellationToken).ConfigureAwait(false));
                }

                break;
        }

        if (o.DiskImage is { } image)
        {
            var bootIndex = o.Boot is BootMode.DiskBios or BootMode.DiskUefi ? 0 : 1;
            a.AddRange(["-drive", $"if=none,id=disk,format=raw,file={EscapeComma(RepoPaths.RequireFile(image))}"]);
            a.AddRange(["-device", $"virtio-blk-pci,drive=disk,bootindex={bootIndex}"]);
        }

        for (var i = 0; i < o.Disks.Count; i++)
        {
            var disk = o.Disks[i];
            var format = disk.Format == DiskFormat.Qcow2 ? "qcow2" : "raw";
            var path = Path.Combine(WorkDir, $"disk{i}.{format}");
            var (code, output) = await Tools.RunAsync("qemu-img", ["create", "-q", "-f", format, path, disk.Size], cancellationToken)
                .ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"qemu-img create {format} {disk.Size} failed: {output}");
            }

            a.AddRange(["-drive", $"if=virtio,format={format},file={EscapeComma(path)}"]);
        }

        // The ISO's kernel command line is fixed: init_shell reaches an ISO boot through a config drive.
        var cloudConfig = o.CloudConfig ?? (o.InitShell && o.Boot != BootMode.DirectKernel ? "#cloud-config\nrancher:\n  init_shell: true\n" : null);
        if (cloudConfig is not null)
        {
            var cfg = Path.Combine(WorkDir, "config-2.iso");
            await ConfigDrive.CreateAsync(cfg, cloudConfig, cancellationToken).ConfigureAwait(false);
            a.AddRange(["-drive", $"if=virtio,format=raw,readonly=on,file={EscapeComma(cfg)}"]);
        }

        if (o.Network)
        {
            var net = new StringBuilder("user,id=n0,restrict=on");
            if (o.GuestForwards.Count > 0)
            {
                net.Append(",net=169.254.169.0/24,host=169.254.169.2,dhcpstart=169.254.169.15");
            }

            foreach (var guestPort in o.ExtraForwardedGuestPorts.Prepend(22).Distinct())
            {
                var hostPort = FreePorts.Next();
                _hostPorts[guestPort] = hostPort;
                net.Append(CultureInfo.InvariantCulture, $",hostfwd=tcp:127.0.0.1:{hostPort}-:{guestPort}");
            }

            foreach (var f in o.GuestForwards)
            {
                net.Append(CultureInfo.InvariantCulture, $",guestfwd=tcp:{f.GuestAddress}:{f.GuestPort}-cmd:nc 127.0.0.1 {f.HostPort}");
            }

            a.AddRange(["-netdev", net.ToString(), "-device", "virtio-net-pci,netdev=n0,romfile="]);
        }

        a.AddRange(o.ExtraArgs);
        if (o.Boot == BootMode.DirectKernel)
        {
            // Last, so the test's own disks (here and in ExtraArgs) keep their names (/dev/vda...).
            var images = RepoPaths.RequireFile(o.SystemImagesPath ?? RepoPaths.SystemImages);
            a.AddRange(["-drive", $"if=virtio,format=raw,readonly=on,file={EscapeComma(images)}"]);
        }

        return a;
    }

    private async Task<string[]> UefiArgsAsync(CancellationToken cancellationToken)
    {
        if (_options.Uefi == UefiFirmware.Combined)
        {
            return ["-bios", RequireFirmware("/usr/share/ovmf/OVMF.fd")];
        }

        var code = RequireFirmware("/usr/share/OVMF/OVMF_CODE_4M.fd");
        var vars = Path.Combine(WorkDir, "OVMF_VARS.fd");
        await using (var src = File.OpenRead(RequireFirmware("/usr/share/OVMF/OVMF_VARS_4M.fd")))
        await using (var dst = File.Create(vars))
        {
            await src.CopyToAsync(dst, cancellationToken).ConfigureAwait(false);
        }

        return
        [
            "-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={code}",
            "-drive", $"if=pflash,format=raw,unit=1,file={EscapeComma(vars)}",
        ];
    }

    private static string RequireFirmware(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: install Debian's ovmf package (make deps)", path);

    private static async Task PumpStdoutAsync(Stream stdout, SerialConsole console, bool closeAtEnd)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await stdout.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                console.Append(buffer.AsSpan(0, n));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
        finally
        {
            if (closeAtEnd)
            {
                console.Close();
            }
        }
    }

    private async Task PumpStderrAsync(StreamReader stderr)
    {
        try
        {
            var buffer = new char[4096];
            while (true)
            {
                var n = await stderr.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                lock (_stderr)
                {
                    _stderr.Append(buffer, 0, n);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    private ConsoleTimeoutException Failure(string what)
    {
        _failed = true;
        var qemuLog = QemuLog.Trim();
        return new ConsoleTimeoutException(
            $"{Name} [{_options.Boot}, {Accel}]: {what} (after {_clock.Elapsed.TotalSeconds:0.0} s).\n" +
            $"Console log: {ConsoleLogPath} (work directory kept)\n" +
            (qemuLog.Length > 0 ? $"QEMU stderr:\n{qemuLog}\n" : "") +
            $"--- last {SerialConsole.TailLines} console lines ---\n{Console.Tail()}\n--- end of console ---");
    }

    private string ExitCodeText() => _process is { HasExited: true } p ? p.ExitCode.ToString(CultureInfo.InvariantCulture) : "?";

    private void CleanWorkDir()
    {
        try
        {
            foreach (var entry in new DirectoryInfo(WorkDir).EnumerateFileSystemInfos())
            {
                if (entry.Name is ConsoleLogName or QemuLogName)
                {
                    continue;
                }

                if (entry is DirectoryInfo d)
                {
                    d.Delete(true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string CreateWorkDir(string name)
    {
        var root = Environment.GetEnvironmentVariable("CORRALOS_TEST_DIR");
        root = string.IsNullOrEmpty(root) ? Path.Combine(Path.GetTempPath(), "corralos-tests") : Path.GetFullPath(root);
        var safe = Regex.Replace(name, "[^A-Za-z0-9_.-]", "_");
        var dir = Path.Combine(root,
            $"{safe}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Interlocked.Increment(ref s_sequence)}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string NewId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 6));

    private static string EscapeComma(string path) => path.Replace(",", ",,", StringComparison.Ordinal);

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private static void KillAll()
    {
        foreach (var vm in s_live.Keys)
        {
            if (vm._process is { } p)
            {
                Kill(p);
            }
        }

        GC.KeepAlive(s_signals);
    }

    private sealed class QemuStartException(string message, bool portClash) : Exception(message)
    {
        public bool PortClash { get; } = portClash;
    }
}
