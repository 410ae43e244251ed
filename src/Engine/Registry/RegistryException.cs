namespace CorralOS.Engine.Registry;

/// <summary>A registry refused or failed a request, or sent content that failed verification: HTTP 500, as in Docker.</summary>
public sealed class RegistryException(string message, Exception? inner = null) : EngineException(message, inner);
