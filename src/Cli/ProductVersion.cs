namespace CorralOS.Cli;

/// <summary>The CorralOS version this binary was built as (from the VERSION file).</summary>
internal static class ProductVersion
{
    public static string Value => Config.SystemEnvironment.Version;
}
