namespace CorralOS.Services;

/// <summary>What `up` does with one service.</summary>
public enum ConvergeAction
{
    /// <summary>No container yet: create it (and start it unless create-only).</summary>
    Create,

    /// <summary>The container is out of date (or rebuild: always): remove it and create it anew.</summary>
    Recreate,

    /// <summary>Up to date but not running: start it.</summary>
    Start,

    /// <summary>Up to date and running, or a create-only container that exists: nothing to do.</summary>
    Leave,
}
