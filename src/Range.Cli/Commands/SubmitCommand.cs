using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range submit</c>: hands a mapping job to a running cluster and prints its id.</summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var job = new JobOptions();
        var cluster = new ClusterOption(required: true);
        var command = new Command("submit", "Submit a mapping job (options as for map) to a running cluster; prints the job id. Watch it with `range status JOB --watch`.");
        job.AddTo(command);
        cluster.AddTo(command);
        command.SetAction(result =>
        {
            ClusterOption.CheckDestination(result.GetValue(cluster.Redis), result.GetValue(job.Output));
            var spec = job.ToSpec(result);
            string jobId = job.JobIdOf(result);
            return RunAsync(spec, jobId, cluster.Read(result)!, result.InvocationConfiguration.Output).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> RunAsync(JobSpec spec, string jobId, RangeClusterOptions cluster, TextWriter output)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(cluster, CancellationToken.None);
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>(jobId).SubmitAsync(spec);
            output.WriteLine(jobId);
            await host.StopAsync();
        }
        return 0;
    }
}
