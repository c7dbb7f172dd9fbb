using Microsoft.Extensions.Logging;
using RangeOrleans.Hosting;
using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Terminal;

/// <summary>
/// Where a command's runtime logs go (Orleans, the Azure SDK, Redis, an in-process silo): a log file, never the terminal,
/// unless <c>--verbose</c> also shows them on stderr. The file is <see cref="EnvironmentVariable"/> when set, else
/// range.log in this user's own cache folder (<see cref="UserCacheFolder"/>, mode 0700). A failure's details (its stack trace) go there too.
/// </summary>
public static class CommandLog
{
    public const string EnvironmentVariable = "RANGE_LOG_FILE";

    private static LogFileProvider? s_file;
    private static string? s_filePath;

    /// <summary>Set by <c>--verbose</c>: runtime warnings and failures' stack traces on stderr too.</summary>
    public static bool Verbose { get; set; }

    public static string FilePath => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } path
        ? Path.GetFullPath(path)
        : Path.Combine(UserCacheFolder.Root, "range.log");

    /// <summary>Replaces <paramref name="logging"/>'s providers: warnings and errors to the log file (and stderr with --verbose).</summary>
    public static ILoggingBuilder AddCommandLog(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddProvider(new SharedProvider(File()));
        if (Verbose) logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddRangeLogFilters();
        return logging;
    }

    /// <summary>Records a command's failure with its stack trace in the log file.</summary>
    public static void Record(string command, Exception exception) =>
        File().Write(LogLevel.Error, "range", $"`range {command}` failed", exception);

    private static LogFileProvider File()
    {
        var path = FilePath;
        if (s_file is null || s_filePath != path)
        {
            s_file = new LogFileProvider(path);
            s_filePath = path;
        }
        return s_file;
    }

    // The file outlives each host (a host disposes its providers when it stops).
    private sealed class SharedProvider(LogFileProvider file) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => file.CreateLogger(categoryName);

        public void Dispose() { }
    }
}
