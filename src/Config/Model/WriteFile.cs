namespace CorralOS.Config.Model;

/// <summary>One <c>write_files</c> entry.</summary>
public sealed class WriteFile
{
    public string? Path { get; set; }

    public string? Content { get; set; }

    /// <summary>b64, base64, gz, gzip, gz+b64, gz+base64, gzip+b64, gzip+base64, or empty for plain text.</summary>
    public string? Encoding { get; set; }

    /// <summary>user or user:group, as chown takes it.</summary>
    public string? Owner { get; set; }

    /// <summary>Octal text such as "0644".</summary>
    public string? Permissions { get; set; }

    /// <summary>The service whose container the file is written into (default: the host).</summary>
    public string? Container { get; set; }
}
