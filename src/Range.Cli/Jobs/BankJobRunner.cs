using RangeOrleans.Abstractions;

namespace RangeOrleans.Cli.Jobs;

/// <summary>Submits a bank construction job and waits for it: in an in-process silo (embedded default) or on a Redis cluster.</summary>
public static class BankJobRunner
{
    public static Task<BankJobStatus> RunAsync(BankJobSpec spec, string jobId, string? redis, TextWriter output) =>
        ClusterHosts.WithClientAsync(redis, "cpu", async client =>
        {
            var job = client.GetGrain<IBankJobGrain>(jobId);
            var status = await job.SubmitAsync(spec);
            int reported = -1;
            while (!status.IsFinal)
            {
                await Task.Delay(JobWatcher.PollInterval);
                try { status = await job.GetStatusAsync(); }
                catch (Exception e) when (e is OrleansException or TimeoutException) { continue; } // its silo died: the next call reactivates it
                if (status.DoneShards != reported && status.TotalShards > 0)
                {
                    reported = status.DoneShards;
                    output.WriteLine($"{jobId}: {status.DoneShards}/{status.TotalShards} shards ({status.RunningShards} running)");
                }
            }
            output.WriteLine($"{jobId}: {status.State.ToString().ToLowerInvariant()}, {status.Entries:N0} entries in {status.TotalShards} shards" +
                (status.Retries > 0 ? $", {status.Retries} retried" : "") + (status.Error is null ? "" : $"; error: {status.Error}") + $" -> {spec.Destination}");
            return status;
        });
}
