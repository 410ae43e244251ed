using CorralOS.Compose;

namespace CorralOS.Services;

/// <summary>The existing container of a service, as far as `up` cares.</summary>
/// <param name="ConfigHash">Its io.docker.compose.config-hash label (null if created by someone else).</param>
/// <param name="Running">Running or restarting.</param>
/// <param name="ImageCurrent">Its image ID is still the one its image name points at.</param>
/// <param name="Console">Its io.rancher.os.console label.</param>
public sealed record ExistingContainer(string Id, string? ConfigHash, bool Running, bool ImageCurrent, string? Console);

/// <summary>How `up` was asked to treat existing containers (ros service up --no-recreate / --force-recreate).</summary>
public enum RecreateMode
{
    Changed,
    Never,
    Always,
}

/// <summary>
/// The convergence decision for one service, a pure function of the wanted definition and the existing container:
/// identical and running is left alone; a changed definition or image recreates (unless io.docker.compose.rebuild is
/// "false", where only a different console label does); rebuild "always" recreates every time.
/// </summary>
public static class ConvergePlanner
{
    public static ConvergeAction Decide(RancherLabels labels, string wantedHash, ExistingContainer? existing, RecreateMode mode = RecreateMode.Changed)
    {
        if (existing is null)
        {
            return ConvergeAction.Create;
        }
        var outOfDate = existing.ConfigHash != wantedHash || !existing.ImageCurrent;
        var recreate = mode switch
        {
            RecreateMode.Always => true,
            RecreateMode.Never => false,
            _ => labels.RebuildPolicy switch
            {
                RebuildPolicy.Always => true,
                RebuildPolicy.Never => existing.Console != labels.ConsoleName,
                _ => outOfDate,
            },
        };
        if (recreate)
        {
            return ConvergeAction.Recreate;
        }
        return existing.Running || labels.IsCreateOnly ? ConvergeAction.Leave : ConvergeAction.Start;
    }
}
