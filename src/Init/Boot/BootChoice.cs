namespace CorralOS.Init.Boot;

/// <summary>
/// Which installed version GRUB boots, as kept in grubenv (docs/upgrade.md) and read by the menu template
/// (images/os/grub.cfg): <see cref="Default"/> is the good version; <see cref="Trying"/> a new one booted while
/// <see cref="TriesLeft"/> is 1 (GRUB sets it to 0 before booting it, and abandons it when it finds 0: the try ended
/// without PID 1 marking it good); <see cref="Previous"/> the version a rollback returns to; <see cref="Abandoned"/>
/// the last version GRUB gave up on.
/// </summary>
public sealed record BootChoice(string Default, string? Previous, string? Trying, int TriesLeft, string? Abandoned)
{
    public const string DefaultKey = "corralos_default";
    public const string PreviousKey = "corralos_previous";
    public const string TryKey = "corralos_try";
    public const string TriesKey = "corralos_tries";
    public const string AbandonedKey = "corralos_abandoned";

    private static readonly string[] s_keys = [DefaultKey, PreviousKey, TryKey, TriesKey, AbandonedKey];

    /// <summary>A fresh install: only that version.</summary>
    public static BootChoice Installed(string version) => new(version, null, null, 0, null);

    /// <summary>The choice in grubenv's variables, or null when it holds none (no default).</summary>
    public static BootChoice? From(IReadOnlyList<KeyValuePair<string, string>> variables)
    {
        string? Get(string key) => variables.LastOrDefault(v => v.Key == key).Value is { Length: > 0 } value ? value : null;
        return Get(DefaultKey) is { } current
            ? new BootChoice(current, Get(PreviousKey), Get(TryKey), Get(TriesKey) == "1" ? 1 : 0, Get(AbandonedKey))
            : null;
    }

    /// <summary>
    /// Reads the choice in the grubenv at <paramref name="path"/> (null when it names none) and writes what
    /// <paramref name="change"/> makes of it, the file's other variables kept; nothing is written when it gives null.
    /// </summary>
    public static (BootChoice? Old, BootChoice? New) Update(string path, Func<BootChoice?, BootChoice?> change)
    {
        var variables = GrubEnvironment.Read(path);
        var old = From(variables);
        var next = change(old);
        if (next is not null)
        {
            GrubEnvironment.Write(path, next.ApplyTo(variables));
        }
        return (old, next);
    }

    /// <summary>grubenv's variables with this choice in place of the old one; other variables kept.</summary>
    public List<KeyValuePair<string, string>> ApplyTo(IReadOnlyList<KeyValuePair<string, string>> variables)
    {
        var result = variables.Where(v => !s_keys.Contains(v.Key)).ToList();
        result.Add(new(DefaultKey, Default));
        result.Add(new(PreviousKey, Previous ?? ""));
        result.Add(new(TryKey, Trying ?? ""));
        result.Add(new(TriesKey, Trying is null ? "" : TriesLeft.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        result.Add(new(AbandonedKey, Abandoned ?? ""));
        return result;
    }

    /// <summary>The versions whose files must stay on /boot: the default first.</summary>
    public IReadOnlyList<string> Versions => new[] { Default, Trying, Previous }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// An upgrade to <paramref name="version"/>: booted once at the next boot; the default stays. Only two versions
    /// are kept, so the previous one goes (unless it is the one being tried again).
    /// </summary>
    public BootChoice Upgrade(string version) => version == Default
        ? this with { Trying = null, TriesLeft = 0 }
        : new BootChoice(Default, null, version, 1, null);

    /// <summary>PID 1 of <paramref name="running"/> reached started: a tried version becomes the default; null when nothing changes.</summary>
    public BootChoice? MarkGood(string running) => Trying == running
        ? new BootChoice(running, Default, null, 0, null)
        : null;

    /// <summary>
    /// `ros os rollback`: a pending try is called off; otherwise the previous version becomes the default again
    /// (and the current one the previous, so a second rollback returns). Null when there is nothing to go back to.
    /// </summary>
    public BootChoice? Rollback() => Trying is not null
        ? this with { Trying = null, TriesLeft = 0 }
        : Previous is { } previous ? new BootChoice(previous, Default, null, 0, null) : null;
}
