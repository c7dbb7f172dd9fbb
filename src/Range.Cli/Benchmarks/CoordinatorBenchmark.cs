using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Shards;
using RangeOrleans.Hosting;
using StackExchange.Redis;
using RangeOrleans.Grains.Maps;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// The map-job coordinator alone: an in-process silo with its grain state in Redis runs jobs of 10k, 50k, 100k ...
/// shards of one point each whose shards finish at once (<see cref="InstantShards"/>), and reports, per job, how
/// long preparing took (planning, and writing the new table whole), the dispatch rate (shards done per second over
/// the measured window, from the job's first finished shard) and the cost of one state write (<see cref="JobMetrics.StateWrite"/>, every write of the window).
/// On a shared machine wall time measures the scheduler as much as the coordinator, so it also reports the CPU the
/// silo and Redis used in the window (shards per CPU-second) and, from the job's own table serialized as the store
/// serializes grain state, the bytes and serializing time of one write: the whole table (the layout before the table
/// moved into pages) against one page.
/// </summary>
public static class CoordinatorBenchmark
{
    public sealed record Row(int Shards, double PrepareSeconds, double WindowSeconds, long ShardsDone, double ShardsPerSecond,
        double CpuSeconds, double ShardsPerCpuSecond, int StateWrites, double WriteMeanMs, double WriteP50Ms, double WriteP95Ms, double WriteMaxMs,
        long WholeTableBytes, long PageBytes, double WholeTableSerializeMs, double PageSerializeMs, bool Completed);

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
        var serializer = host.Services.GetService<IGrainStorageSerializer>(); // null: byte counts are not reported (0)
        var redisOptions = ConfigurationOptions.Parse(redis);
        redisOptions.AllowAdmin = true; // INFO cpu
        using var redisClient = ConnectionMultiplexer.Connect(redisOptions);
        var redisServer = redisClient.GetServer(redisClient.GetEndPoints()[0]);
        output.WriteLine($"coordinator: 1 in-process silo, grain state in Redis at {redis}, shards that finish at once, " +
            $"{inFlightPerSilo} shards in flight per silo, {windowSeconds:0} s windows; load average {LoadAverage()}");
        output.WriteLine();
        output.WriteLine("| shards | prepare s | window s | shards done | shards/s | CPU s (silo + Redis) | shards per CPU-s | state writes | " +
            "write ms p50 / p95 / mean / max | bytes a write: whole table / one page | serializing ms: whole table / one page | completed |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var rows = new List<Row>();
        try
        {
            foreach (var n in sizes)
            {
                var row = RunJob(grains, serializer, redisServer, n, Path.Combine(work.FullName, $"out-{n}"), checkpoint, windowSeconds).GetAwaiter().GetResult();
                rows.Add(row);
                output.WriteLine($"| {n:N0} | {row.PrepareSeconds:F1} | {row.WindowSeconds:F1} | {row.ShardsDone:N0} | {row.ShardsPerSecond:N0} | " +
                    $"{row.CpuSeconds:F1} | {row.ShardsPerCpuSecond:N0} | {row.StateWrites:N0} | {row.WriteP50Ms:F1} / {row.WriteP95Ms:F1} / {row.WriteMeanMs:F1} / {row.WriteMaxMs:F1} | " +
                    $"{row.WholeTableBytes:N0} / {row.PageBytes:N0} | {row.WholeTableSerializeMs:F2} / {row.PageSerializeMs:F2} | {(row.Completed ? "yes" : "no")} |");
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

    private static async Task<Row> RunJob(IGrainFactory grains, IGrainStorageSerializer? serializer, IServer redis, int shards, string destination, string checkpoint, double windowSeconds)
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
        // The status says Running while the new table is still being written (status calls interleave with that write):
        // the window starts once a shard has finished, i.e. once dispatch has begun.
        while (status.State == JobState.Preparing || (status.State == JobState.Running && status.DoneShards == 0))
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
        double cpuBefore = CpuSeconds(redis);
        var window = Stopwatch.StartNew();
        while (status.State == JobState.Running && window.Elapsed.TotalSeconds < windowSeconds)
        {
            await Task.Delay(100);
            status = await job.GetStatusAsync();
        }
        double seconds = window.Elapsed.TotalSeconds;
        double cpu = CpuSeconds(redis) - cpuBefore;
        Volatile.Write(ref measuring, false);
        long done = status.DoneShards - startDone;
        bool completed = status.State == JobState.Completed;
        var table = (await job.GetShardsAsync()).Select(s => new ShardRecord
        {
            TileId = s.TileId, ExpectedRows = s.ExpectedRows, Attempts = s.Attempts, Rows = s.Rows, Sha256 = s.Sha256,
            Status = Enum.Parse<ShardStatus>(s.Status, ignoreCase: true),
        }).ToList();
        var (wholeBytes, wholeMs) = Serialized(serializer, new JobCoordinatorState { Spec = spec, State = JobState.Running, Shards = table });
        var (pageBytes, pageMs) = Serialized(serializer, new ShardPage { Shards = table.Take(ShardTable.PageSize).ToList() });
        if (status.State == JobState.Running) await CancelAsync(job);
        else if (!completed) throw new InvalidOperationException($"the benchmark job ended {status.State}: {status.Error}");
        double[] sorted;
        lock (writes) sorted = [.. writes.Order()];
        return new Row(shards, prepared, seconds, done, done / seconds, cpu, done / Math.Max(cpu, 1e-3), sorted.Length,
            sorted.Length == 0 ? 0 : sorted.Average(), Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted.Length == 0 ? 0 : sorted[^1],
            wholeBytes, pageBytes, wholeMs, pageMs, completed);
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    /// <summary>Bytes of <paramref name="state"/> as the grain store writes it, and the fastest of 5 serializations (ms).</summary>
    private static (long Bytes, double Ms) Serialized<T>(IGrainStorageSerializer? serializer, T state)
    {
        if (serializer is null) return (0, 0);
        long bytes = 0;
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long started = Stopwatch.GetTimestamp();
            bytes = serializer.Serialize(state).ToMemory().Length;
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return (bytes, best);
    }

    /// <summary>CPU seconds used so far by this process (the silo) and by Redis (its INFO cpu).</summary>
    private static double CpuSeconds(IServer redis)
    {
        double seconds = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        foreach (var entry in redis.Info("cpu").SelectMany(group => group))
        {
            if (entry.Key is "used_cpu_sys" or "used_cpu_user") seconds += double.Parse(entry.Value, CultureInfo.InvariantCulture);
        }
        return seconds;
    }

    // The figures are taken; a coordinator too slow to answer the cancel in time is left to finish it on its own.
    private static async Task CancelAsync(IJobCoordinatorGrain job)
    {
        try
        {
            var status = await job.CancelAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (status.CleaningUp && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                status = await job.GetStatusAsync();
            }
        }
        catch (TimeoutException) { }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
