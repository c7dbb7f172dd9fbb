using Spectre.Console;

namespace RangeOrleans.Cli.Terminal;

/// <summary>
/// Progress for long runs: a live bar on an interactive terminal, otherwise a line on stderr every few
/// seconds (so logs of batch jobs show progress without control characters).
/// </summary>
public static class ProgressDisplay
{
    public static T Run<T>(string description, long total, Func<IProgress<long>, T> work)
    {
        if (!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(description, maxValue: Math.Max(total, 1));
                    var result = work(new Progress(value => task.Value = value));
                    task.Value = task.MaxValue;
                    return result;
                });
        }
        var started = DateTime.UtcNow;
        var last = started;
        return work(new Progress(value =>
        {
            var now = DateTime.UtcNow;
            if ((now - last).TotalSeconds < 5 && value < total) return;
            last = now;
            double seconds = Math.Max((now - started).TotalSeconds, 1e-9);
            Console.Error.WriteLine($"{description}: {value:N0}/{total:N0} ({100.0 * value / Math.Max(total, 1):F1}%, {value / seconds:N0}/s)");
        }));
    }

    /// <summary>Synchronous IProgress: System.Progress posts to the thread pool, too late for a bar.</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
