namespace CorralOS.CloudInit;

/// <summary>
/// VMware guestinfo variables (set with vmx options or govc vm.change -e guestinfo.x=y), read the way open-vm-tools
/// reads them: `vmware-rpctool "info-get guestinfo.NAME"` over the backdoor RPC channel. The tool prints the value
/// and a newline and exits 0; "No value found" and exit 1 mean the variable is not set.
/// </summary>
internal sealed class GuestInfo
{
    private const string NotSet = "No value found";

    private readonly string _rpctool;
    private readonly TimeSpan _timeout;

    public GuestInfo(string rpctool, TimeSpan timeout)
    {
        _rpctool = rpctool;
        _timeout = timeout;
    }

    /// <summary>The value of guestinfo.<paramref name="name"/>, or null when it is not set or empty; throws <see cref="DatasourceException"/> when the tool fails.</summary>
    public async Task<string?> GetAsync(string source, string name, CancellationToken cancellationToken)
    {
        ChildResult? result;
        try
        {
            result = await ChildProcess.RunAsync(_rpctool, [$"info-get guestinfo.{name}"], _timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new DatasourceException(source, $"cannot run {_rpctool}: {e.Message}", e);
        }
        if (result is null)
        {
            throw new DatasourceException(source, $"{_rpctool} info-get guestinfo.{name}: no answer within {_timeout.TotalSeconds:0.#} s");
        }
        if (result.ExitCode != 0)
        {
            return result.Error.Contains(NotSet, StringComparison.Ordinal) || result.Output.Contains(NotSet, StringComparison.Ordinal)
                ? null
                : throw new DatasourceException(source, $"{_rpctool} info-get guestinfo.{name}: exit {result.ExitCode}: {result.LastLine}");
        }
        var value = result.Output.EndsWith('\n') ? result.Output[..^1] : result.Output;
        return value.Length == 0 ? null : value;
    }
}
