namespace CorralOS.Config;

/// <summary>The image's os-config.yml, embedded: the defaults when /usr/share/ros/os-config.yml is absent (tests, a broken image).</summary>
public static class BuiltInOsConfig
{
    public static string Text { get; } = ReadResource();

    private static string ReadResource()
    {
        using var stream = typeof(BuiltInOsConfig).Assembly.GetManifestResourceStream("os-config.yml")
            ?? throw new InvalidOperationException("os-config.yml is not embedded in CorralOS.Config");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
