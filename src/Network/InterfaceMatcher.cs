using CorralOS.Network.Netlink;

namespace CorralOS.Network;

/// <summary>
/// Which interfaces entry applies to a link (reference §3.4): a mac= match wins, then the exact name, then a glob;
/// among globs the first key in order. Patterns never pick lo or the engines' bridges (docker-sys, docker0).
/// </summary>
public static class InterfaceMatcher
{
    private static readonly HashSet<string> s_neverByPattern = new(StringComparer.Ordinal) { "lo", "docker-sys", "docker0" };

    public static InterfaceSettings? For(LinkInfo link, IReadOnlyList<InterfaceSettings> entries)
    {
        var byPattern = !s_neverByPattern.Contains(link.Name);
        return entries.FirstOrDefault(e => byPattern && e.MatchesMac && link.Mac.Length > 0 && NameGlob.Matches(e.Match[4..].ToLowerInvariant(), link.Mac))
            ?? entries.FirstOrDefault(e => e.IsExactName && e.Match == link.Name)
            ?? entries.FirstOrDefault(e => byPattern && !e.MatchesMac && !e.IsExactName && NameGlob.Matches(e.Match, link.Name));
    }
}
