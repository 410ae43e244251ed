namespace CorralOS.Config;

/// <summary>A config that cannot be used; carries every problem found, not just the first.</summary>
public sealed class ConfigValidationException : InvalidOperationException
{
    public ConfigValidationException(IReadOnlyList<ConfigProblem> problems)
        : base(problems.Count == 1 ? problems[0].ToString() : $"{problems.Count} problems, the first: {problems[0]}")
    {
        Problems = problems;
    }

    public IReadOnlyList<ConfigProblem> Problems { get; }
}
