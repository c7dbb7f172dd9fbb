using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range map</c>: a mapping job (grid, lattice or point files) run to completion, in-process or on a cluster.</summary>
public static class MapCommand
{
    public static Command Create()
    {
        var job = new JobOptions();
        var cluster = ClusterOption.Create(required: false);
        var command = new Command("map", "Embed a grid, a Fibonacci lattice or point files into tile shards (Arrow files) plus manifest.json; waits and shows progress.");
        job.AddTo(command);
        command.Options.Add(cluster);
        command.SetAction(result =>
        {
            var spec = job.ToSpec(result);
            string jobId = job.JobIdOf(result);
            string? redis = result.GetValue(cluster);
            string device = result.GetValue(job.Model.Device)!;
            return RunAsync(spec, jobId, redis, device, result.InvocationConfiguration.Output).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> RunAsync(JobSpec spec, string jobId, string? redis, string device, TextWriter output)
    {
        var (host, client) = redis is null
            ? await ClusterHosts.StartEmbeddedAsync(device, CancellationToken.None)
            : await ClusterHosts.ConnectAsync(redis, CancellationToken.None);
        try
        {
            await client.GetGrain<IJobCoordinatorGrain>(jobId).SubmitAsync(spec);
            var status = await JobWatcher.WatchAsync(client, jobId, CancellationToken.None);
            output.WriteLine(JobWatcher.Describe(status));
            return status.State == JobState.Completed ? 0 : 1;
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
