using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCaseOrderer(typeof(CorralOS.Boot.Tests.TestOrderer))]

namespace CorralOS.Boot.Tests;

/// <summary>Runs a class's tests in ascending <see cref="TestOrderAttribute"/> order (default 0), then by name.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TestOrderAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}

/// <summary>Orders by <see cref="TestOrderAttribute"/>, so that a test that powers the shared VM off runs last.</summary>
public sealed class TestOrderer : ITestCaseOrderer
{
    public IReadOnlyCollection<TTestCase> OrderTestCases<TTestCase>(IReadOnlyCollection<TTestCase> testCases)
        where TTestCase : notnull, ITestCase =>
        [.. testCases.OrderBy(Order).ThenBy(t => t.TestCaseDisplayName, StringComparer.Ordinal)];

    private static int Order<TTestCase>(TTestCase testCase)
        where TTestCase : notnull, ITestCase =>
        testCase is IXunitTestCase x ? x.TestMethod.Method.GetCustomAttribute<TestOrderAttribute>()?.Order ?? 0 : 0;
}
