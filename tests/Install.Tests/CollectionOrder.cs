using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(CorralOS.Install.Tests.UpgradeFirstCollectionOrderer))]

namespace CorralOS.Install.Tests;

/// <summary>
/// The upgrade end-to-end test's collection (one class, one VM, about 14 min under TCG) first, then the others by name.
/// The project runs two collections at a time (xunit.runner.json), so the long one starts at once and the shorter ones
/// take turns beside it, rather than it starting late and adding its whole time to the project's.
/// </summary>
public sealed class UpgradeFirstCollectionOrderer : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. testCollections
            .OrderBy(c => IsUpgrade(c.TestCollectionDisplayName) ? 0 : 1)
            .ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal)];

    // A class's own collection is "Test collection for NAMESPACE.CLASS (id: HASH)".
    private static bool IsUpgrade(string collection) =>
        collection.Contains($" {typeof(UpgradeEndToEndTests).FullName} ", StringComparison.Ordinal)
        || collection.EndsWith($" {typeof(UpgradeEndToEndTests).FullName}", StringComparison.Ordinal);
}
