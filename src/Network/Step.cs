namespace CorralOS.Network;

/// <summary>Turns a failed system change into the one-line error that names the interface and the field.</summary>
internal static class Step
{
    public static void Run(string subject, string field, Action action)
    {
        try
        {
            action();
        }
        catch (IOException e)
        {
            throw new NetworkConfigException(subject, field, e.Message);
        }
    }
}
