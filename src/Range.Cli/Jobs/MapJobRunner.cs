using RangeOrleans.Abstractions;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Jobs;

/// <summary>Submits a mapping job and waits for it with progress: in an in-process silo (embedded default) or on a Redis cluster.</summary>
public static class MapJobRunner
{
    /// <summary>Runs <paramref name="spec"/> as job <paramref name="jobId"/> and returns its final status (one line of it goes to <paramref name="output"/>).</summary>
    public static Task<JobStatus> RunAsync(JobSpec spec, string jobId, RangeClusterOptions? cluster, string device, TextWriter output) =>
        ClusterHosts.WithClientAsync(cluster, device, ClusterHosts.Job(jobId, spec.Destination, JobKind.Map), async client =>
        {
            await client.GetGrain<IJobCoordinatorGrain>(jobId).SubmitAsync(spec);
            var status = await JobWatcher.WatchAsync(client, jobId, CancellationToken.None);
            output.WriteLine(JobWatcher.Describe(status));
            return status;
        });

    /// <summary>A fresh job id: PREFIX-yyyyMMdd-HHmmss-RANDOM.</summary>
    public static string NewJobId(string prefix) => Grains.Jobs.JobPoints.NewJobId(prefix);
}
