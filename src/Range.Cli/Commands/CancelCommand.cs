using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range cancel JOB</c>: stops a job of any kind and waits (up to <see cref="CleanupWait"/>) until what it ran has
/// stopped and its temporary blobs are gone. What each kind keeps: docs/cluster.md. A job that has ended is left as it is.
/// </summary>
public static class CancelCommand
{
    private static readonly TimeSpan CleanupWait = TimeSpan.FromMinutes(2);

    public static Command Create()
    {
        var jobId = new Argument<string>("JOB") { Description = "The job id: a map, bank or pretrain job." };
        var cluster = new ClusterOption(required: true);
        var command = new Command("cancel", "Cancel a job. Map and bank jobs: running shards stop, their unfinished uploads (and a map job's DEST/_work/) are deleted; " +
            "finished shard files stay; no manifest or bank.arrow is written. Pretrain jobs: the worker stops; the stored last.ckpt stays. A job that has ended is left as it is.");
        command.Arguments.Add(jobId);
        cluster.AddTo(command);
        command.SetAction(result => RunAsync(result.GetValue(jobId)!, cluster.Read(result)!, result.InvocationConfiguration.Output).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> RunAsync(string jobId, RangeClusterOptions cluster, TextWriter output)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(cluster, CancellationToken.None);
        using (host)
        {
            try
            {
                var job = await ClusterJobs.FindAsync(client, jobId);
                var status = await ClusterJobs.CancelAsync(client, job);
                if (status.State == JobState.Unknown) throw ClusterJobs.NoSuchJob(jobId);
                var deadline = DateTime.UtcNow + CleanupWait;
                while (status.CleaningUp && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(500);
                    status = await ClusterJobs.StatusAsync(client, job);
                }
                output.WriteLine(status.Line);
                if (status.CleaningUp) output.WriteLine("temporary blobs are still being removed (storage unreachable?); the cluster keeps trying");
                return 0;
            }
            finally { await host.StopAsync(); }
        }
    }
}
