using System.CommandLine;
using System.Diagnostics;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Cli.Terminal;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range jobs</c>: every job the cluster knows, of every kind, oldest first, with its progress; with --watch the list
/// again every few seconds from one connection (a dashboard's or script's poll without a process per call); with --prune
/// it retires finished jobs now instead (their state deleted from Redis; silos also do it after --job-retention).
/// </summary>
public static class JobsCommand
{
    public static Command Create()
    {
        var cluster = new ClusterOption(required: true);
        var watch = new Option<double?>("--watch")
        {
            Description = "Print the list again every SECONDS (default 2) until Ctrl+C, from one connection: how a dashboard or script should poll.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var prune = new Option<bool>("--prune")
        {
            Description = "Retire finished jobs (completed, failed, cancelled) now: delete their state from Redis and stop listing them; their output stays. Running jobs are never touched.",
        };
        var olderThan = DurationOption.Create("--older-than", "With --prune: only jobs that ended at least this long ago, e.g. 7d, 12h, 30m (default 0s: every finished job).", TimeSpan.Zero);
        var command = new Command("jobs", "List the cluster's jobs (map, bank and pretrain) with their kind, state and progress.");
        cluster.AddTo(command);
        command.Options.Add(watch);
        command.Options.Add(prune);
        command.Options.Add(olderThan);
        command.SetAction(result =>
        {
            double? seconds = result.GetResult(watch) is null ? null : result.GetValue(watch) ?? 2;
            if (seconds is <= 0 or > 3600 || (seconds is { } s && !double.IsFinite(s)))
                throw new ArgumentException($"--watch {seconds}: give seconds between lists, more than 0 and at most 3600");
            if (result.GetValue(prune))
            {
                if (seconds is not null) throw new ArgumentException("--prune and --watch: give one of them");
                return PruneAsync(cluster.Read(result)!, result.GetValue(olderThan), result.InvocationConfiguration.Output).GetAwaiter().GetResult();
            }
            if (result.GetResult(olderThan) is { Implicit: false }) throw new ArgumentException("--older-than goes with --prune");
            return RunAsync(cluster.Read(result)!, seconds, result.InvocationConfiguration.Output).GetAwaiter().GetResult();
        });
        return command;
    }

    private static Task<int> RunAsync(RangeClusterOptions cluster, double? watchSeconds, TextWriter output) => ConnectedAsync(cluster, async client =>
    {
        if (watchSeconds is not { } seconds)
        {
            await ListAsync(client, output);
            return 0;
        }
        while (!Interruption.IsRequested)
        {
            var clock = Stopwatch.StartNew();
            var lines = new StringWriter();
            await ListAsync(client, lines);
            output.Write($"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z ({clock.ElapsedMilliseconds} ms)\n{lines}");
            output.Flush();
            try { await Task.Delay(TimeSpan.FromSeconds(seconds), Interruption.Token); }
            catch (OperationCanceledException) { }
        }
        return 0;
    });

    private static Task<int> PruneAsync(RangeClusterOptions cluster, TimeSpan olderThan, TextWriter output) => ConnectedAsync(cluster, async client =>
    {
        var retired = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).PruneAsync(olderThan);
        output.WriteLine(retired.Length == 0 ? $"no finished job ended {olderThan:g} or more ago: nothing retired" : $"retired {retired.Length} finished job(s) (state deleted, output kept):");
        foreach (var job in retired)
            output.WriteLine($"  {job.JobId}  {JobWatcher.Name(job.Kind)}  {job.State.ToString().ToLowerInvariant()}  {job.Destination}");
        return 0;
    });

    // A client of the cluster for the work, stopped after it.
    private static async Task<int> ConnectedAsync(RangeClusterOptions cluster, Func<IClusterClient, Task<int>> work)
    {
        var (host, client) = await ClusterHosts.ConnectAsync(cluster, Interruption.Token);
        using (host)
        {
            try { return await work(client); }
            finally
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await host.StopAsync(stopping.Token);
            }
        }
    }

    // The registry's list, then every job's status read at once.
    private static async Task ListAsync(IClusterClient client, TextWriter output)
    {
        var jobs = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
        if (jobs.Length == 0)
        {
            output.WriteLine("no jobs");
            return;
        }
        var statuses = await Task.WhenAll(jobs.Select(job => ClusterJobs.StatusAsync(client, job)));
        output.WriteLine($"{"SUBMITTED",-19}  {"KIND",-8}  JOB: STATUS");
        for (int i = 0; i < jobs.Length; i++)
            output.WriteLine($"{jobs[i].SubmittedAt:yyyy-MM-dd HH:mm:ss}  {JobWatcher.Name(jobs[i].Kind),-8}  {statuses[i].Line}");
    }
}
