using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range jobs</c>: every job the cluster knows, oldest first, with its progress.</summary>
public static class JobsCommand
{
    public static Command Create()
    {
        var cluster = ClusterOption.Create(required: true);
        var command = new Command("jobs", "List the cluster's jobs with their state and progress.");
        command.Options.Add(cluster);
        command.SetAction(result => RunAsync(result.GetValue(cluster)!, result.InvocationConfiguration.Output).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> RunAsync(string redis, TextWriter output)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(redis, CancellationToken.None);
        using (host)
        {
            var jobs = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
            if (jobs.Length == 0) output.WriteLine("no jobs");
            foreach (var job in jobs)
            {
                var status = await client.GetGrain<IJobCoordinatorGrain>(job.JobId).GetStatusAsync();
                output.WriteLine($"{job.SubmittedAt:yyyy-MM-dd HH:mm:ss}  {JobWatcher.Describe(status)}");
            }
            await host.StopAsync();
        }
        return 0;
    }
}
