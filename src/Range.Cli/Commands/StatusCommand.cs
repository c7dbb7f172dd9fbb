using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range status JOB</c>: one line of progress, or a live view until the job ends with --watch.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var jobId = new Argument<string>("JOB") { Description = "The job id (as printed by submit, listed by jobs)." };
        var cluster = ClusterOption.Create(required: true);
        var watch = new Option<bool>("--watch") { Description = "Follow the job until it ends (exit 0 when it completed)." };
        var command = new Command("status", "Show a job's progress: points, shards, rate, time left.");
        command.Arguments.Add(jobId);
        command.Options.Add(cluster);
        command.Options.Add(watch);
        command.SetAction(result => RunAsync(result.GetValue(jobId)!, result.GetValue(cluster)!, result.GetValue(watch), result.InvocationConfiguration.Output).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> RunAsync(string jobId, string redis, bool watch, TextWriter output)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(redis, CancellationToken.None);
        using (host)
        {
            var status = watch
                ? await JobWatcher.WatchAsync(client, jobId, CancellationToken.None)
                : await client.GetGrain<IJobCoordinatorGrain>(jobId).GetStatusAsync();
            await host.StopAsync();
            if (status.State == JobState.Unknown) throw new ArgumentException($"no job '{jobId}' in this cluster (see `range jobs`)");
            output.WriteLine(JobWatcher.Describe(status));
            return !watch || status.State == JobState.Completed ? 0 : 1;
        }
    }
}
