namespace CorralOS.Compose;

/// <summary>One ulimits entry: <c>nofile: 1024</c> sets both limits, <c>nofile: {soft: 1024, hard: 4096}</c> each.</summary>
public sealed record Ulimit(long Soft, long Hard);
