using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range submit</c>: hands a mapping job to a running cluster and prints its id.</summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var job = new JobOptions();
        var cluster = ClusterOption.Create(required: true);
        var command = new Command("submit", "Submit a mapping job (options as for map) to a running cluster; prints the job id. Watch it with `range status JOB --watch`.");
        job.AddTo(command);
        command.Options.Add(cluster);
        command.SetAction(result =>
        {
            ClusterOption.CheckDestination(result.GetValue(cluster), result.GetValue(job.Output));
            var spec = job.ToSpec(result);
            string jobId = job.JobIdOf(result);
            return RunAsync(spec, jobId, result.GetValue(cluster)!, result.InvocationConfiguration.Output).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> RunAsync(JobSpec spec, string jobId, string redis, TextWriter output)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(redis, CancellationToken.None);
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>(jobId).SubmitAsync(spec);
            output.WriteLine(jobId);
            await host.StopAsync();
        }
        return 0;
    }
}
