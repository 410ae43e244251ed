namespace CorralOS.Init;

/// <summary>One step of the boot. Returns a short detail for the console line, or throws with the reason.</summary>
public interface IBootPhase
{
    string Name { get; }

    /// <summary>A required phase that fails sends the boot to the recovery shell.</summary>
    bool Required { get; }

    string Run(BootContext context);
}
