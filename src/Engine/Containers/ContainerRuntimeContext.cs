namespace CorralOS.Engine.Containers;

/// <summary>What a running container needs from the engine: paths, rootfs mounts, spec generation, crun.</summary>
internal sealed class ContainerRuntimeContext(ContainerLayout layout, RootFsMounter rootFs, OciSpecBuilder specBuilder, OciRuntime runtime)
{
    public ContainerLayout Layout { get; } = layout;

    public RootFsMounter RootFs { get; } = rootFs;

    public OciSpecBuilder SpecBuilder { get; } = specBuilder;

    public OciRuntime Runtime { get; } = runtime;

    /// <summary>Set while the engine stops: exits are then final, whatever the restart policy.</summary>
    public bool ShuttingDown { get; set; }

    /// <summary>Where a run tells of its container's exits (die).</summary>
    public Events.EventLog? Events { get; set; }
}
