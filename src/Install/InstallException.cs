namespace CorralOS.Install;

/// <summary>Why an install cannot go on, as one line for the user.</summary>
public sealed class InstallException(string message) : IOException(message);
