using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace RangeOrleans.Hosting;

/// <summary>
/// A silo's console log: each entry with its UTC time, warnings and errors of the runtime (see
/// <see cref="RangeHostingExtensions.AddRangeLogFilters"/>), without the watchdog's start-up false alarm (its first
/// check reports the time since the machine booted, longer than the process has lived, as a stall).
/// </summary>
public static class SiloConsoleLogging
{
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    public static ILoggingBuilder AddRangeSiloConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.TimestampFormat = TimestampFormat;
            o.UseUtcTimestamp = true;
        });
        var console = logging.Services.Last(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        logging.Services.Remove(console);
        logging.Services.AddSingleton<ILoggerProvider>(sp => new FalseStallFilter(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp)));
        return logging.AddRangeLogFilters();
    }

    private sealed class FalseStallFilter(ILoggerProvider inner) : ILoggerProvider
    {
        private static readonly DateTime s_processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();

        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            return categoryName == "Orleans.Runtime.Watchdog" ? new Filtered(logger) : logger;
        }

        public void Dispose() => inner.Dispose();

        private sealed class Filtered(ILogger inner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (state is IReadOnlyList<KeyValuePair<string, object?>> values &&
                    values.Any(v => v.Key == "TimeSinceLastTick" && v.Value is TimeSpan stalled && stalled > DateTime.UtcNow - s_processStart))
                    return;
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
