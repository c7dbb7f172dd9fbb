using System.Runtime.InteropServices;

namespace RangeOrleans.Cli.Terminal;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM for the long commands (embed, map, bank, pretrain, pipeline): the first signal cancels
/// <see cref="Token"/>, which stops the work at its next batch (a job is cancelled and cleans up; an output written under
/// a temporary name is removed) and ends the command with exit 130. If it has not ended <see cref="GracePeriod"/> later,
/// or on a second signal, the process exits at once with 130.
/// </summary>
public static class Interruption
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);
    private static CancellationTokenSource s_signalled = new();

    public static CancellationToken Token => s_signalled.Token;

    public static bool IsRequested => s_signalled.IsCancellationRequested;

    /// <summary>Handles SIGINT and SIGTERM until disposed (one command's run).</summary>
    public static IDisposable Listen(TextWriter error)
    {
        if (s_signalled.IsCancellationRequested) s_signalled = new CancellationTokenSource();
        var handlers = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
            .Select(signal => PosixSignalRegistration.Create(signal, context => OnSignal(context, error))).ToArray();
        return new Registrations(handlers);
    }

    private static void OnSignal(PosixSignalContext context, TextWriter error)
    {
        context.Cancel = true; // this process decides when to exit
        if (s_signalled.IsCancellationRequested) Environment.Exit(CliError.Interrupted);
        error.WriteLine($"{context.Signal}: stopping (again to stop at once)");
        s_signalled.Cancel();
        _ = Task.Delay(GracePeriod).ContinueWith(_ => Environment.Exit(CliError.Interrupted), TaskScheduler.Default);
    }

    private sealed class Registrations(PosixSignalRegistration[] handlers) : IDisposable
    {
        public void Dispose()
        {
            foreach (var handler in handlers) handler.Dispose();
        }
    }
}
