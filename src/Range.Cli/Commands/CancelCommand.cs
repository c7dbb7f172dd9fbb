using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range cancel JOB</c>: stops a job and waits (up to <see cref="CleanupWait"/>) until its running shards
/// stopped and its temporary blobs are gone; finished shard files stay in DEST, no manifest is written.
/// </summary>
public static class CancelCommand
{
    private static readonly TimeSpan CleanupWait = TimeSpan.FromMinutes(2);

    public static Command Create()
    {
        var jobId = new Argument<string>("JOB") { Description = "The job id." };
        var cluster = ClusterOption.Create(required: true);
        var command = new Command("cancel", "Cancel a job: running shards stop, their unfinished uploads and DEST/_work/ are deleted; finished shard files stay; no manifest is written.");
        command.Arguments.Add(jobId);
        command.Options.Add(cluster);
        command.SetAction(result => RunAsync(result.GetValue(jobId)!, result.GetValue(cluster)!, result.InvocationConfiguration.Output).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> RunAsync(string jobId, string redis, TextWriter output)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(redis, CancellationToken.None);
        using (host)
        {
            var coordinator = client.GetGrain<IJobCoordinatorGrain>(jobId);
            var status = await coordinator.CancelAsync();
            if (status.State == JobState.Unknown) throw new ArgumentException($"no job '{jobId}' in this cluster (see `range jobs`)");
            var deadline = DateTime.UtcNow + CleanupWait;
            while (status.CleaningUp && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                status = await coordinator.GetStatusAsync();
            }
            await host.StopAsync();
            output.WriteLine(JobWatcher.Describe(status));
            if (status.CleaningUp) output.WriteLine("temporary blobs are still being removed (storage unreachable?); the cluster keeps trying");
        }
        return 0;
    }
}
