using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Shards;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// The map-job coordinator alone: an in-process silo with its grain state in Redis runs jobs of 10k, 50k, 100k ...
/// shards of one point each whose shards finish at once (<see cref="InstantShards"/>), and reports, per job, how
/// long preparing took, the dispatch rate (shards done per second over the measured window, from the job's first
/// running status) and the cost of one state write (<see cref="JobMetrics.StateWrite"/>, every write of the window).
/// </summary>
public static class CoordinatorBenchmark
{
    public sealed record Row(int Shards, double PrepareSeconds, double WindowSeconds, long ShardsDone, double ShardsPerSecond,
        int StateWrites, double WriteMeanMs, double WriteP50Ms, double WriteMaxMs, bool Completed);

    /// <summary>Grid cells of 0.5 degrees, one shard each, in 200 rows from the south pole: shard counts are multiples of 200.</summary>
    private const double Cell = 0.5;
    private const int Rows = 200;

    public static List<Row> Run(IReadOnlyList<int> sizes, string redis, double windowSeconds, int inFlightPerSilo, TextWriter output)
    {
        foreach (var n in sizes)
        {
            if (n < Rows || n % Rows != 0 || n > JobLimits.MaxShards)
                throw new ArgumentException($"--coordinator: {n} is not a multiple of {Rows} between {Rows} and {JobLimits.MaxShards:N0}");
        }
        var work = Directory.CreateTempSubdirectory("range-bench-coordinator-");
        string checkpoint = Path.Combine(work.FullName, "never-loaded.ckpt");
        File.WriteAllBytes(checkpoint, [0]); // hashed by the planner, never loaded (the shards compute nothing)
        string id = $"bench-coordinator-{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.AddRangeSilo(new RangeClusterOptions { Redis = redis, ClusterId = id, ServiceId = id }, coordinator: c => c.ShardsInFlightPerSilo = inFlightPerSilo);
            silo.Services.AddSingleton<IShardRunner, InstantShards>();
        });
        using var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        output.WriteLine($"coordinator: 1 in-process silo, grain state in Redis at {redis}, shards that finish at once, " +
            $"{inFlightPerSilo} shards in flight per silo, {windowSeconds:0} s windows; load average {LoadAverage()}");
        output.WriteLine();
        output.WriteLine("| shards | prepare s | window s | shards done | shards/s | state writes | write ms mean / p50 / max | completed |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        var rows = new List<Row>();
        try
        {
            foreach (var n in sizes)
            {
                var row = RunJob(grains, n, Path.Combine(work.FullName, $"out-{n}"), checkpoint, windowSeconds).GetAwaiter().GetResult();
                rows.Add(row);
                output.WriteLine($"| {n:N0} | {row.PrepareSeconds:F1} | {row.WindowSeconds:F1} | {row.ShardsDone:N0} | {row.ShardsPerSecond:N0} | " +
                    $"{row.StateWrites:N0} | {row.WriteMeanMs:F1} / {row.WriteP50Ms:F1} / {row.WriteMaxMs:F1} | {(row.Completed ? "yes" : "no")} |");
            }
        }
        finally
        {
            host.StopAsync().GetAwaiter().GetResult();
            work.Delete(recursive: true);
        }
        output.WriteLine();
        output.WriteLine($"load average after: {LoadAverage()}");
        return rows;
    }

    private static async Task<Row> RunJob(IGrainFactory grains, int shards, string destination, string checkpoint, double windowSeconds)
    {
        int columns = shards / Rows;
        var spec = new JobSpec
        {
            Points = new PointSourceSpec
            {
                Kind = PointSourceKind.Grid,
                GridDegrees = Cell,
                BoundingBox = string.Create(CultureInfo.InvariantCulture, $"-180,-90,{-180 + columns * Cell},{-90 + Rows * Cell}"),
            },
            Model = new ModelSpec { Checkpoint = checkpoint, Model = "satclip" },
            Destination = destination,
            ShardDegrees = Cell,
        };
        var job = grains.GetGrain<IJobCoordinatorGrain>($"bench-{shards}-{Guid.NewGuid():N}");
        var writes = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == JobMetrics.MeterName && instrument.Name == JobMetrics.StateWriteName) l.EnableMeasurementEvents(instrument);
        };
        bool measuring = false;
        listener.SetMeasurementEventCallback<double>((_, ms, _, _) => { if (Volatile.Read(ref measuring)) lock (writes) writes.Add(ms); });
        listener.Start();

        var clock = Stopwatch.StartNew();
        var status = await job.SubmitAsync(spec);
        while (status.State == JobState.Preparing)
        {
            await Task.Delay(50);
            status = await job.GetStatusAsync();
        }
        if (status.State != JobState.Running && status.State != JobState.Completed)
            throw new InvalidOperationException($"the benchmark job ended {status.State}: {status.Error}");
        if (status.TotalShards != shards) throw new InvalidOperationException($"the benchmark job has {status.TotalShards} shards, expected {shards}");
        double prepared = clock.Elapsed.TotalSeconds;
        int startDone = status.DoneShards;
        Volatile.Write(ref measuring, true);
        var window = Stopwatch.StartNew();
        while (status.State == JobState.Running && window.Elapsed.TotalSeconds < windowSeconds)
        {
            await Task.Delay(100);
            status = await job.GetStatusAsync();
        }
        double seconds = window.Elapsed.TotalSeconds;
        Volatile.Write(ref measuring, false);
        long done = status.DoneShards - startDone;
        bool completed = status.State == JobState.Completed;
        if (status.State == JobState.Running) await CancelAsync(job);
        else if (!completed) throw new InvalidOperationException($"the benchmark job ended {status.State}: {status.Error}");
        double[] sorted;
        lock (writes) sorted = [.. writes.Order()];
        return new Row(shards, prepared, seconds, done, done / seconds, sorted.Length,
            sorted.Length == 0 ? 0 : sorted.Average(), sorted.Length == 0 ? 0 : sorted[sorted.Length / 2], sorted.Length == 0 ? 0 : sorted[^1], completed);
    }

    private static async Task CancelAsync(IJobCoordinatorGrain job)
    {
        var status = await job.CancelAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (status.CleaningUp && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            status = await job.GetStatusAsync();
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
