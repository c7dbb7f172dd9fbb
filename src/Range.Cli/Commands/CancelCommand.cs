using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range cancel JOB</c>: stops a job; finished shard files stay in DEST, no manifest is written.</summary>
public static class CancelCommand
{
    public static Command Create()
    {
        var jobId = new Argument<string>("JOB") { Description = "The job id." };
        var cluster = ClusterOption.Create(required: true);
        var command = new Command("cancel", "Cancel a job: running shards stop (their partial output is discarded); finished shard files stay; no manifest is written.");
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
            var status = await client.GetGrain<IJobCoordinatorGrain>(jobId).CancelAsync();
            await host.StopAsync();
            if (status.State == JobState.Unknown) throw new ArgumentException($"no job '{jobId}' in this cluster (see `range jobs`)");
            output.WriteLine(JobWatcher.Describe(status));
        }
        return 0;
    }
}
