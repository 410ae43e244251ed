using CorralOS.Config;

namespace CorralOS.CloudInit.Datasources;

/// <summary>The cmdline datasource's URL: cloud-config-url= (or cloud_config_url=) on the kernel command line.</summary>
internal static class CmdlineUrl
{
    public static Uri? Read(string cmdlinePath)
    {
        if (!File.Exists(cmdlinePath))
        {
            return null;
        }
        foreach (var parameter in KernelCmdline.Split(File.ReadAllText(cmdlinePath)))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && parameter[..equals].Replace('_', '-') == "cloud-config-url")
            {
                return UrlDatasource.ParseUrl(parameter[(equals + 1)..].Trim('"', '\''));
            }
        }
        return null;
    }
}
