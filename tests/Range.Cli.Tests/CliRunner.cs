namespace RangeOrleans.Cli.Tests;

/// <summary>Runs the real `range` entry point in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>How long the command ran (not counting the wait for another test's command).</summary>
        public TimeSpan Elapsed { get; init; }
    }

    // The command line writes to Console for progress; tests run one invocation at a time.
    private static readonly object s_gate = new();

    public static Result Run(params string[] args)
    {
        lock (s_gate)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int code = RangeCommandLine.Run(args, output, error);
            return new Result(code, output.ToString(), error.ToString()) { Elapsed = clock.Elapsed };
        }
    }
}
