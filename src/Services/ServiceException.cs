namespace CorralOS.Services;

/// <summary>A service could not be brought to the wanted state, or the services cannot be ordered; one line.</summary>
public sealed class ServiceException : InvalidOperationException
{
    public ServiceException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
