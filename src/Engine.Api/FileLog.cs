using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CorralOS.Engine.Api;

/// <summary>
/// `--log-file`: the engine's log appended to a file, one line per entry (UTC time, level, category, message, then
/// the exception if any), flushed at each line so a crash loses nothing. The file is created with its directory.
/// </summary>
public sealed class FileLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;

    public FileLog(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // A full disk or a log written after the engine stopped must not fail the request that logs.
            }
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "fatal",
    };

    private sealed class Writer(FileLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var message = formatter(state, exception).Replace('\n', ' ');
            log.Write(exception is null ? $"{time} {Level(logLevel)} {category}: {message}" : $"{time} {Level(logLevel)} {category}: {message} {exception}".Replace('\n', ' '));
        }
    }
}
