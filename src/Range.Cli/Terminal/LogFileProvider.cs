using System.Globalization;
using Microsoft.Extensions.Logging;
using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Terminal;

/// <summary>
/// Appends log lines (UTC timestamp, level, category, message, exception) to one file that several `range` processes
/// may share; opened on the first line, so a command that logs nothing creates nothing. A file that cannot be opened
/// drops its lines: logging never fails a command.
/// </summary>
public sealed class LogFileProvider(string path) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private StreamWriter? _writer;
    private bool _failed;

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    /// <summary>Writes one entry (and <paramref name="exception"/> whole, with its stack trace).</summary>
    public void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} [{Environment.ProcessId}] {level}: {category}: {message}");
        if (exception is not null) text += Environment.NewLine + exception;
        lock (_gate)
        {
            if (_failed) return;
            try
            {
                if (_writer is null)
                {
                    string folder = Path.GetDirectoryName(path)!;
                    if (folder == UserCacheFolder.Root) UserCacheFolder.CreateOwnerOnly(folder); // the default: this user's only
                    else Directory.CreateDirectory(folder);
                    _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
                }
                _writer.WriteLine(text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _failed = true; }
        }
    }

    public void Dispose()
    {
        lock (_gate) _writer?.Dispose();
    }

    private sealed class FileLogger(LogFileProvider file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) file.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
