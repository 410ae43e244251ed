using CorralOS.Compose;

namespace CorralOS.Services.Tests;

public class ConvergePlannerTests
{
    private static RancherLabels Labels(params (string Key, string Value)[] labels) =>
        new(labels.ToDictionary(l => l.Key, l => l.Value));

    private static ExistingContainer Existing(string hash = "h1", bool running = true, bool imageCurrent = true, string? console = null) =>
        new("id", hash, running, imageCurrent, console);

    [Fact]
    public void Missing_is_created_identical_and_running_is_left_stopped_is_started()
    {
        Assert.Equal(ConvergeAction.Create, ConvergePlanner.Decide(Labels(), "h1", null));
        Assert.Equal(ConvergeAction.Leave, ConvergePlanner.Decide(Labels(), "h1", Existing()));
        Assert.Equal(ConvergeAction.Start, ConvergePlanner.Decide(Labels(), "h1", Existing(running: false)));
        Assert.Equal(ConvergeAction.Leave, ConvergePlanner.Decide(Labels((RancherLabels.CreateOnly, "true")), "h1", Existing(running: false)));
    }

    [Fact]
    public void A_changed_definition_or_image_is_recreated()
    {
        Assert.Equal(ConvergeAction.Recreate, ConvergePlanner.Decide(Labels(), "h2", Existing()));
        Assert.Equal(ConvergeAction.Recreate, ConvergePlanner.Decide(Labels(), "h1", Existing(imageCurrent: false)));
        Assert.Equal(ConvergeAction.Recreate, ConvergePlanner.Decide(Labels(), "h1", Existing(hash: null!)));
    }

    [Fact]
    public void Rebuild_always_false_and_the_console_label()
    {
        Assert.Equal(ConvergeAction.Recreate, ConvergePlanner.Decide(Labels((RancherLabels.Rebuild, "always")), "h1", Existing()));
        var persistent = Labels((RancherLabels.Rebuild, "false"), (RancherLabels.Console, "debian"));
        Assert.Equal(ConvergeAction.Leave, ConvergePlanner.Decide(persistent, "h2", Existing(console: "debian", imageCurrent: false)));
        Assert.Equal(ConvergeAction.Recreate, ConvergePlanner.Decide(persistent, "h2", Existing(console: "alpine")));
    }

    [Fact]
    public void No_recreate_and_force_recreate_override_the_labels()
    {
        Assert.Equal(ConvergeAction.Leave, ConvergePlanner.Decide(Labels((RancherLabels.Rebuild, "always")), "h2", Existing(), RecreateMode.Never));
        Assert.Equal(ConvergeAction.Start, ConvergePlanner.Decide(Labels(), "h2", Existing(running: false), RecreateMode.Never));
        Assert.Equal(ConvergeAction.Recreate, ConvergePlanner.Decide(Labels(), "h1", Existing(), RecreateMode.Always));
    }
}
