using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestMethodOrderer(typeof(CorralOS.Boot.Tests.TestOrderer))]

namespace CorralOS.Boot.Tests;

/// <summary>Runs a class's test methods in ascending <see cref="TestOrderAttribute"/> order (default 0), then by name.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TestOrderAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}

/// <summary>Orders by <see cref="TestOrderAttribute"/>, so that a test that powers the shared VM off runs last.</summary>
public sealed class TestOrderer : ITestMethodOrderer
{
    public IReadOnlyCollection<TTestMethod?> OrderTestMethods<TTestMethod>(IReadOnlyCollection<TTestMethod?> testMethods)
        where TTestMethod : notnull, ITestMethod =>
        [.. testMethods.OrderBy(Order).ThenBy(m => m?.MethodName, StringComparer.Ordinal)];

    private static int Order<TTestMethod>(TTestMethod? testMethod)
        where TTestMethod : notnull, ITestMethod =>
        testMethod is IXunitTestMethod x ? x.Method.GetCustomAttribute<TestOrderAttribute>()?.Order ?? 0 : 0;
}
