using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(CorralOS.Install.Tests.LongestFirstCollectionOrderer))]

namespace CorralOS.Install.Tests;

/// <summary>
/// The longest collections first (each class is one: the upgrade end-to-end test, about 9 to 14 min under TCG, then the
/// noformat install's, 5 to 7.5 min), then the others by name. The project runs two collections at a time
/// (xunit.runner.json), so the long ones start at once, side by side, and the shorter ones fill in behind them, rather
/// than a long one starting late and adding its whole time to the project's.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    private static readonly Type[] s_longest = [typeof(UpgradeEndToEndTests), typeof(NoFormatInstallTests)];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. testCollections
            .OrderBy(c => Rank(c.TestCollectionDisplayName))
            .ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal)];

    private static int Rank(string collection)
    {
        var index = Array.FindIndex(s_longest, type => Names(collection, type));
        return index < 0 ? s_longest.Length : index;
    }

    // A class's own collection is "Test collection for NAMESPACE.CLASS (id: HASH)".
    private static bool Names(string collection, Type type) =>
        collection.Contains($" {type.FullName} ", StringComparison.Ordinal)
        || collection.EndsWith($" {type.FullName}", StringComparison.Ordinal);
}
