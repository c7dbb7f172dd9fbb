using RangeOrleans.Abstractions;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Jobs;

/// <summary>Submits a bank construction job and waits for it: in an in-process silo (embedded default) or on a Redis cluster.</summary>
public static class BankJobRunner
{
    public static Task<BankJobStatus> RunAsync(BankJobSpec spec, string jobId, RangeClusterOptions? cluster, TextWriter output) =>
        ClusterHosts.WithClientAsync(cluster, "cpu", ClusterHosts.Job(jobId, spec.Destination, JobKind.Bank), async client =>
        {
            var job = client.GetGrain<IBankJobGrain>(jobId);
            int reported = -1;
            var status = await JobWatcher.PollAsync(await job.SubmitAsync(spec), JobWatcher.Ended, job.GetStatusAsync, s =>
            {
                if (s.DoneShards == reported || s.TotalShards == 0) return;
                if (reported < 0 && s.ReusedShards > 0)
                    output.WriteLine($"{jobId}: reused {s.ReusedShards} of {s.TotalShards} shards already in {s.Destination} (their bytes match shards.sha256); building {s.TotalShards - s.ReusedShards}");
                reported = s.DoneShards;
                output.WriteLine($"{jobId}: {s.DoneShards}/{s.TotalShards} shards ({s.RunningShards} running)");
            });
            output.WriteLine(JobWatcher.Describe(status));
            return status;
        });
}
