using CorralOS.Linux;

namespace CorralOS.Init.Phases;

/// <summary>Brings up lo; the kernel gives it 127.0.0.1/8 and ::1 when it goes up.</summary>
public sealed class LoopbackPhase : IBootPhase
{
    public string Name => "loopback";

    public bool Required => false;

    public string Run(BootContext context)
    {
        NetworkInterfaces.SetUp("lo");
        return "lo up";
    }
}
