namespace CorralOS.Engine;

/// <summary>
/// A failure the API reports to its client. Each subclass is one kind of status (Docker's errdefs idea);
/// the HTTP layer maps them in one place. Messages are one line, as Docker's are.
/// </summary>
public abstract class EngineException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>No such image, container or route: HTTP 404.</summary>
public sealed class NotFoundException(string message) : EngineException(message);

/// <summary>The request clashes with the current state (image in use, tag in several repositories): HTTP 409.</summary>
public sealed class ConflictException(string message) : EngineException(message);

/// <summary>The request or its body is malformed or refused (bad name, corrupt archive, digest mismatch): HTTP 400.</summary>
public sealed class InvalidArgumentException(string message, Exception? inner = null) : EngineException(message, inner);

/// <summary>Nothing to do (start of a running container, stop of a stopped one): HTTP 304.</summary>
public sealed class NotModifiedException(string message) : EngineException(message);

/// <summary>The request is valid but this container cannot do it (logs of a driver that keeps none): HTTP 501.</summary>
public sealed class NotSupportedByDriverException(string message) : EngineException(message);

/// <summary>The OCI runtime could not start a container; its message is crun's: HTTP 500.</summary>
public sealed class RuntimeFailedException(string message) : EngineException(message);
