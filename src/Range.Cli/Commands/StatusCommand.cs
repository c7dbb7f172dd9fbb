using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range status JOB</c>: one line of progress of a job of any kind, or a live view until the job ends with --watch.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var jobId = new Argument<string>("JOB") { Description = "The job id (as printed by submit, listed by jobs): a map, bank or pretrain job." };
        var cluster = new ClusterOption(required: true);
        var watch = new Option<bool>("--watch") { Description = "Follow the job until it ends." };
        var command = new Command("status", "Show a job's progress: for a map job points, shards, rate, time left; for a bank job shards and entries; for a pretrain job epochs stored and attempts. " +
            "Exit 0: completed or running; 1: failed or cancelled; 2: no such job; 3: the cluster cannot be reached.");
        command.Arguments.Add(jobId);
        cluster.AddTo(command);
        command.Options.Add(watch);
        command.SetAction(result => RunAsync(result.GetValue(jobId)!, cluster.Read(result)!, result.GetValue(watch), result.InvocationConfiguration.Output).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> RunAsync(string jobId, RangeClusterOptions cluster, bool watch, TextWriter output)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(cluster, CancellationToken.None);
        using (host)
        {
            try
            {
                var job = await ClusterJobs.FindAsync(client, jobId);
                var status = watch ? await ClusterJobs.WatchAsync(client, job, output) : await ClusterJobs.StatusAsync(client, job);
                if (status.State == JobState.Unknown) throw ClusterJobs.NoSuchJob(jobId);
                output.WriteLine(status.Line);
                // 0: completed, or (without --watch) still running; 1: failed or cancelled (docs/cluster.md, exit codes).
                return status.State is JobState.Failed or JobState.Cancelled ? Terminal.CliError.Failure : 0;
            }
            finally { await host.StopAsync(); }
        }
    }
}
