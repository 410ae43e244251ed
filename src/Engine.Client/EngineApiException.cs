using System.Net;

namespace CorralOS.Engine.Client;

/// <summary>An engine answered with an error, or could not be reached; the message is one line, the engine's own when it sent one.</summary>
public sealed class EngineApiException : InvalidOperationException
{
    public EngineApiException(string message, HttpStatusCode? status = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
    }

    /// <summary>The HTTP status, or null when there was no answer (no socket, connection refused).</summary>
    public HttpStatusCode? Status { get; }

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
}
