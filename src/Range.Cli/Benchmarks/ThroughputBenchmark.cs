using System.Diagnostics;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Retrieval;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// Throughput of the embedders against this machine's own large-matmul rate, measured in the same run.
/// Models and banks are random (the cost does not depend on the values): a SatCLIP-shaped encoder
/// (L = 10, 256 wide, 2 hidden layers, 256-d) and banks of N x 256 keys and N x D values.
/// </summary>
public static class ThroughputBenchmark
{
    public sealed record Settings(int[] BankSizes, int ValueDim, double TargetSeconds, int? Threads, string Device);

    public sealed record Row(string Model, int BankSize, int ValueDim, long Points, double Seconds, double PointsPerSecond,
        double GflopPerSecond, double FractionOfMatmul, double PeakMemoryMiB);

    public sealed record Report(string Machine, int Threads, string Device, double MatmulGflopPerSecond, List<Row> Rows);

    public static Report Run(Settings settings, TextWriter output)
    {
        var device = ComputeDevice.Parse(settings.Device);
        if (settings.Threads is { } t) torch.set_num_threads(t);
        random.manual_seed(1234);
        string machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, TorchSharp libtorch";
        output.WriteLine($"machine: {machine}; torch threads {torch.get_num_threads()}; device {device}");

        double matmul = MatmulRate(device);
        output.WriteLine($"float32 matmul 4096x4096x4096: {matmul:F1} GFLOP/s");
        output.WriteLine();
        output.WriteLine("| model | bank N | D | points | s | points/s | GFLOP/s | of matmul | peak MiB |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");

        var rows = new List<Row>();
        var config = new LocationEncoderConfig(10, 256, 2, 256);
        using (var encoder = NewEncoder(config, device))
        {
            using var satclip = new SatClipEmbedder(encoder);
            double flops = 2.0 * (config.InputDim * config.Capacity + (config.NumHiddenLayers - 1) * config.Capacity * config.Capacity + config.Capacity * config.EmbedDim);
            rows.AddRange(MeasureInterleaved([("satclip", 0, 0, satclip, flops)], matmul, settings.TargetSeconds, output));
        }
        foreach (int n in settings.BankSizes)
        {
            var keys = RandomArray((long)n * config.EmbedDim);
            var values = RandomArray((long)n * settings.ValueDim);
            var (lon, lat) = RandomPoints(n, 99);
            // RANGE and RANGE+ on the same bank, timed in alternation so that a busy moment of the machine
            // does not land on one of them alone.
            using var range = new RangeEmbedder(NewEncoder(config, device),
                new RangeRetriever(keys, config.EmbedDim, values, settings.ValueDim, lon, lat, device), RetrievalOptions.Range());
            using var rangePlus = new RangeEmbedder(NewEncoder(config, device),
                new RangeRetriever(keys, config.EmbedDim, values, settings.ValueDim, lon, lat, device), RetrievalOptions.RangePlus());
            rows.AddRange(MeasureInterleaved(
            [
                ("range", n, settings.ValueDim, range, 2.0 * n * (config.EmbedDim + settings.ValueDim)),
                ("range+", n, settings.ValueDim, rangePlus, 2.0 * n * (config.EmbedDim + 3 + settings.ValueDim)),
            ], matmul, settings.TargetSeconds, output));
        }
        return new Report(machine, torch.get_num_threads(), device.ToString(), matmul, rows);
    }

    /// <summary>Trials timed for each embedder, in alternation; a row reports the fastest (as the matmul rate does).</summary>
    public const int Trials = 3;

    private static IEnumerable<Row> MeasureInterleaved(
        (string Model, int BankSize, int ValueDim, ILocationEmbedder Embedder, double FlopsPerPoint)[] runs,
        double matmul, double target, TextWriter output)
    {
        // Warm up, then size each trial to roughly target / Trials seconds.
        var points = new long[runs.Length];
        var best = new double[runs.Length];
        for (int r = 0; r < runs.Length; r++)
        {
            points[r] = 1024;
            Time(runs[r].Embedder, 1024); // warm-up: first-call allocations and kernel selection
            double seconds = Time(runs[r].Embedder, 1024);
            while (seconds < target / Trials && points[r] < 4_000_000)
            {
                points[r] = (long)Math.Min(points[r] * Math.Clamp(target / Trials * 1.2 / Math.Max(seconds, 1e-3), 2, 64), 4_000_000);
                seconds = Time(runs[r].Embedder, (int)points[r]);
            }
            best[r] = seconds;
        }
        for (int trial = 1; trial < Trials; trial++)
            for (int r = 0; r < runs.Length; r++)
                best[r] = Math.Min(best[r], Time(runs[r].Embedder, (int)points[r]));

        double peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        for (int r = 0; r < runs.Length; r++)
        {
            var (model, n, d, _, flopsPerPoint) = runs[r];
            double pps = points[r] / best[r];
            double gflops = pps * flopsPerPoint / 1e9;
            var row = new Row(model, n, d, points[r], best[r], pps, gflops, gflops / matmul, peak);
            output.WriteLine($"| {model} | {(n == 0 ? "-" : n.ToString("N0"))} | {(d == 0 ? "-" : d)} | {points[r]:N0} | {best[r]:F2} | {pps:N0} | {gflops:F1} | {100 * gflops / matmul:F0}% | {peak:N0} |");
            yield return row;
        }
    }

    private static double Time(ILocationEmbedder embedder, int points)
    {
        var (lon, lat) = RandomPoints(points, points);
        var outputRows = new float[(long)points * embedder.Dimension];
        var sw = Stopwatch.StartNew();
        for (int start = 0; start < points; start += EmbeddingPipeline.DefaultBatchRows)
        {
            int n = Math.Min(EmbeddingPipeline.DefaultBatchRows, points - start);
            embedder.Embed(lon.AsSpan(start, n), lat.AsSpan(start, n), outputRows.AsSpan(start * embedder.Dimension, n * embedder.Dimension));
        }
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>GFLOP/s of a large float32 matmul, best of five.</summary>
    public static double MatmulRate(Device device, int size = 4096)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size, device: device);
        var b = randn(size, size, device: device);
        a.mm(b).Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            using var c = a.mm(b);
            _ = c[0, 0].item<float>(); // waits for asynchronous devices
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * size * (double)size * size / best / 1e9;
    }

    private static LocationEncoder NewEncoder(LocationEncoderConfig config, Device device)
    {
        var encoder = new LocationEncoder(config);
        encoder.to(device);
        encoder.eval();
        return encoder;
    }

    private static float[] RandomArray(long count)
    {
        var rng = new Random(42);
        var a = new float[count];
        for (long i = 0; i < count; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    private static (double[] Lon, double[] Lat) RandomPoints(int n, int seed)
    {
        var rng = new Random(seed);
        var lon = new double[n];
        var lat = new double[n];
        for (int i = 0; i < n; i++)
        {
            lon[i] = rng.NextDouble() * 360 - 180;
            lat[i] = Math.Asin(rng.NextDouble() * 2 - 1) * 180 / Math.PI;
        }
        return (lon, lat);
    }
}
