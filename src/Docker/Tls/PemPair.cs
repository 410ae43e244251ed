namespace CorralOS.Docker.Tls;

/// <summary>A certificate and its private key, both PEM, as dockerd and the docker CLI read them.</summary>
public sealed record PemPair(string Certificate, string Key);
