using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Terminal;

namespace RangeOrleans.Cli.Jobs;

/// <summary>Polls a job until it ends, showing progress (points, shards, rate, time left); each kind of job's status in one line.</summary>
public static class JobWatcher
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<JobStatus> WatchAsync(IClusterClient client, string jobId, CancellationToken cancellationToken)
    {
        var coordinator = client.GetGrain<IJobCoordinatorGrain>(jobId);
        var status = await StatusAsync(coordinator, cancellationToken);
        while (status.State == JobState.Preparing)
        {
            await Task.Delay(PollInterval, cancellationToken);
            status = await StatusAsync(coordinator, cancellationToken);
        }
        if (status.SkippedShards > 0)
            Console.Error.WriteLine($"{jobId}: reused {status.SkippedShards} of {status.TotalShards} shards already in {status.Destination} (their bytes match the SHA-256 recorded when they were written); computing {status.TotalShards - status.SkippedShards}");
        if (Ended(status)) return status;
        return ProgressDisplay.Run($"{jobId} ({status.TotalShards} shards)", status.TotalPoints, progress =>
        {
            var current = status;
            while (!Ended(current))
            {
                progress.Report(current.DonePoints);
                Task.Delay(PollInterval, cancellationToken).GetAwaiter().GetResult();
                current = StatusAsync(coordinator, cancellationToken).GetAwaiter().GetResult();
            }
            progress.Report(current.DonePoints);
            return current;
        });
    }

    /// <summary>Final, and its cleanup done: an embedded silo may stop now without leaving a failed job's temporary data behind.</summary>
    public static bool Ended(JobStatus s) => s.IsFinal && !s.CleaningUp;

    /// <inheritdoc cref="Ended(JobStatus)"/>
    public static bool Ended(BankJobStatus s) => s.IsFinal && !s.CleaningUp;

    /// <inheritdoc cref="Ended(JobStatus)"/>
    public static bool Ended(PretrainJobStatus s) => s.IsFinal && !s.CleaningUp;

    /// <summary>
    /// Reads a job's status every <see cref="PollInterval"/> until <paramref name="isFinal"/>, passing each one read to
    /// <paramref name="show"/>. A read that fails is retried as <see cref="ReadAsync{T}"/> does.
    /// </summary>
    public static async Task<T> PollAsync<T>(T status, Func<T, bool> isFinal, Func<Task<T>> read, Action<T> show)
    {
        while (!isFinal(status))
        {
            await Task.Delay(PollInterval);
            status = await ReadAsync(read, CancellationToken.None);
            show(status);
        }
        return status;
    }

    private static Task<JobStatus> StatusAsync(IJobCoordinatorGrain coordinator, CancellationToken cancellationToken) =>
        ReadAsync(coordinator.GetStatusAsync, cancellationToken);

    // The silo holding the job grain may die while we watch: the next call reactivates it elsewhere. Up to 30 tries, 1 s apart.
    private static async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try { return await read(); }
            catch (Exception e) when (attempt < 30 && e is OrleansException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>One line: state, points, shards, rate, time left.</summary>
    public static string Describe(JobStatus s)
    {
        var line = $"{s.JobId}: {Name(s.State)}, {s.DonePoints:N0}/{s.TotalPoints:N0} points, " +
                   $"{s.DoneShards}/{s.TotalShards} shards ({s.RunningShards} running";
        if (s.SkippedShards > 0) line += $", {s.SkippedShards} already produced";
        if (s.Retries > 0) line += $", {s.Retries} retried";
        line += ")";
        if (s.CleaningUp) line += ", removing temporary blobs";
        if (s.PointsPerSecond > 0) line += $", {s.PointsPerSecond:N0} points/s";
        if (s.TimeLeft is { } left) line += $", {left:hh\\:mm\\:ss} left";
        return line + $" -> {s.Destination}" + Error(s.Error);
    }

    /// <summary>One line: state, shards done and running, entries, and the error, if any.</summary>
    public static string Describe(BankJobStatus s) =>
        $"{s.JobId}: {Name(s.State)}, {s.DoneShards}/{s.TotalShards} shards ({s.RunningShards} running" +
        (s.ReusedShards > 0 ? $", {s.ReusedShards} reused" : "") + (s.Retries > 0 ? $", {s.Retries} retried" : "") + $"), {s.Entries:N0} entries" +
        (s.CleaningUp ? ", removing temporary blobs" : "") + Error(s.Error) + $" -> {s.Destination}";

    /// <summary>One line: state, epochs stored, attempts, where the worker runs, and the error, if any.</summary>
    public static string Describe(PretrainJobStatus s) =>
        $"{s.JobId}: {Name(s.State)}, {s.EpochsDone}/{s.Epochs} epochs stored in {s.Attempts} attempt(s)" +
        (s.WorkerSilo is null ? "" : $", attempt {s.Attempts} on {s.WorkerSilo} (pid {s.WorkerProcessId})") +
        (s.CleaningUp ? ", stopping its worker" : "") + Error(s.Error) + $" -> {s.Destination}";

    internal static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Error(string? error) => error is null ? "" : $"; error: {error}";
}
