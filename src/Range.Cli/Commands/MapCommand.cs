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
        var cluster = new ClusterOption(required: false);
        var command = new Command("map", "Embed a grid, a Fibonacci lattice or point files into tile shards (Arrow files) plus manifest.json; waits and shows progress.");
        job.AddTo(command);
        cluster.AddTo(command);
        command.SetAction(result =>
        {
            ClusterOption.CheckDestination(result.GetValue(cluster.Redis), result.GetValue(job.Output));
            var spec = job.ToSpec(result);
            string jobId = job.JobIdOf(result);
            var target = cluster.Read(result);
            string device = result.GetValue(job.Model.Device)!;
            var status = MapJobRunner.RunAsync(spec, jobId, target, device, result.InvocationConfiguration.Output).GetAwaiter().GetResult();
            return status.State == JobState.Completed ? 0 : 1;
        });
        return command;
    }
}
