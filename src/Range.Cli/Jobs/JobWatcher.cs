using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Terminal;

namespace RangeOrleans.Cli.Jobs;

/// <summary>Polls a job until it ends, showing progress (points, shards, rate, time left).</summary>
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
        if (status.IsFinal) return status;
        return ProgressDisplay.Run($"{jobId} ({status.TotalShards} shards)", status.TotalPoints, progress =>
        {
            var current = status;
            while (!current.IsFinal)
            {
                progress.Report(current.DonePoints);
                Task.Delay(PollInterval, cancellationToken).GetAwaiter().GetResult();
                current = StatusAsync(coordinator, cancellationToken).GetAwaiter().GetResult();
            }
            progress.Report(current.DonePoints);
            return current;
        });
    }

    /// <summary>
    /// Reads a job's status every <see cref="PollInterval"/> until <paramref name="isFinal"/>, passing each one read to
    /// <paramref name="show"/>. A read that fails is retried: the job grain's silo died, and the next call reactivates it.
    /// </summary>
    public static async Task<T> PollAsync<T>(T status, Func<T, bool> isFinal, Func<Task<T>> read, Action<T> show)
    {
        while (!isFinal(status))
        {
            await Task.Delay(PollInterval);
            try { status = await read(); }
            catch (Exception e) when (e is OrleansException or TimeoutException) { continue; }
            show(status);
        }
        return status;
    }

    // The silo holding the coordinator may die while we watch: the next call reactivates it elsewhere.
    private static async Task<JobStatus> StatusAsync(IJobCoordinatorGrain coordinator, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try { return await coordinator.GetStatusAsync(); }
            catch (Exception e) when (attempt < 30 && e is OrleansException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>One line: state, points, shards, rate, time left.</summary>
    public static string Describe(JobStatus s)
    {
        var line = $"{s.JobId}: {s.State.ToString().ToLowerInvariant()}, {s.DonePoints:N0}/{s.TotalPoints:N0} points, " +
                   $"{s.DoneShards}/{s.TotalShards} shards ({s.RunningShards} running";
        if (s.SkippedShards > 0) line += $", {s.SkippedShards} already produced";
        if (s.Retries > 0) line += $", {s.Retries} retried";
        line += ")";
        if (s.CleaningUp) line += ", removing temporary blobs";
        if (s.PointsPerSecond > 0) line += $", {s.PointsPerSecond:N0} points/s";
        if (s.TimeLeft is { } left) line += $", {left:hh\\:mm\\:ss} left";
        line += $" -> {s.Destination}";
        if (s.Error is not null) line += $"; error: {s.Error}";
        return line;
    }
}
