using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range jobs</c>: every job the cluster knows, of every kind, oldest first, with its progress.</summary>
public static class JobsCommand
{
    public static Command Create()
    {
        var cluster = ClusterOption.Create(required: true);
        var command = new Command("jobs", "List the cluster's jobs (map, bank and pretrain) with their kind, state and progress.");
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
            else output.WriteLine($"{"SUBMITTED",-19}  {"KIND",-8}  JOB: STATUS");
            foreach (var job in jobs)
            {
                var status = await ClusterJobs.StatusAsync(client, job);
                output.WriteLine($"{job.SubmittedAt:yyyy-MM-dd HH:mm:ss}  {JobWatcher.Name(job.Kind),-8}  {status.Line}");
            }
            await host.StopAsync();
        }
        return 0;
    }
}
