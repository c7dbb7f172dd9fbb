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

    /// <summary>Throughput of <paramref name="Model"/> over <paramref name="Baseline"/>'s on the same bank: median and range over the rounds.</summary>
    public sealed record Comparison(string Model, string Baseline, int BankSize, double MedianRatio, double MinRatio, double MaxRatio);

    public sealed record Report(string Machine, int Threads, string Device, double MatmulGflopPerSecond, List<Row> Rows, List<Comparison> Comparisons)
    {
        /// <summary>Output rates (<c>range bench --write</c>), measured before the throughput runs.</summary>
        public List<OutputBenchmark.Row> Output { get; init; } = [];
    }

    private const long MaxPoints = 4_000_000;

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
        var comparisons = new List<Comparison>();
        var config = new LocationEncoderConfig(10, 256, 2, 256);
        using (var encoder = NewEncoder(config, device))
        {
            using var satclip = new SatClipEmbedder(encoder);
            double flops = 2.0 * (config.InputDim * config.Capacity + (config.NumHiddenLayers - 1) * config.Capacity * config.Capacity + config.Capacity * config.EmbedDim);
            rows.AddRange(MeasureInterleaved([("satclip", 0, 0, satclip, flops)], matmul, settings.TargetSeconds, satclip.RowsPerPass, output, comparisons));
        }
        foreach (int n in settings.BankSizes)
        {
            var keys = RandomArray((long)n * config.EmbedDim);
            var values = RandomArray((long)n * settings.ValueDim);
            var (lon, lat) = RandomPoints(n, 99);
            // RANGE and RANGE+ on the same bank, timed in alternating rounds.
            using var range = new RangeEmbedder(NewEncoder(config, device),
                new RangeRetriever(keys, config.EmbedDim, values, settings.ValueDim, lon, lat, device), RetrievalOptions.Range());
            using var rangePlus = new RangeEmbedder(NewEncoder(config, device),
                new RangeRetriever(keys, config.EmbedDim, values, settings.ValueDim, lon, lat, device), RetrievalOptions.RangePlus());
            rows.AddRange(MeasureInterleaved(
            [
                ("range", n, settings.ValueDim, range, 2.0 * n * (config.EmbedDim + settings.ValueDim)),
                ("range+", n, settings.ValueDim, rangePlus, 2.0 * n * (config.EmbedDim + 3 + settings.ValueDim)),
            ], matmul, settings.TargetSeconds, Math.Max(range.RowsPerPass, rangePlus.RowsPerPass), output, comparisons));
        }
        output.WriteLine();
        foreach (var c in comparisons)
            output.WriteLine($"{c.Model} / {c.Baseline} throughput at N = {c.BankSize:N0}: {c.MedianRatio:F3} (median of {Rounds} rounds; {c.MinRatio:F3} to {c.MaxRatio:F3})");
        return new Report(machine, torch.get_num_threads(), device.ToString(), matmul, rows, comparisons);
    }

    /// <summary>Rounds per group; each round times every embedder of the group once, on the same number of points.</summary>
    public const int Rounds = 6;

    /// <summary>
    /// Times the embedders of a group in rounds, alternating their order (A B, B A, ...) so that neither always runs
    /// first or second, and a busy moment of the machine lands on both. A row reports an embedder's fastest trial (as the
    /// matmul rate does); a comparison reports, for the second embedder against the first, the median of the per-round
    /// throughput ratios, which holds still while the machine's speed drifts.
    /// </summary>
    private static List<Row> MeasureInterleaved(
        (string Model, int BankSize, int ValueDim, ILocationEmbedder Embedder, double FlopsPerPoint)[] runs,
        double matmul, double target, int chunk, TextWriter output, List<Comparison> comparisons)
    {
        foreach (var run in runs) Time(run.Embedder, chunk); // warm-up: first-call allocations and kernel selection
        // Whole multiples of the embedders' pass height (a power of two), so that no trial pays for padding.
        double rate = chunk / Time(runs[0].Embedder, chunk);
        long points = Math.Clamp((long)Math.Ceiling(rate * target / Rounds / chunk), 1, MaxPoints / chunk) * chunk;
        var seconds = new double[Rounds, runs.Length];
        for (int round = 0; round < Rounds; round++)
            for (int k = 0; k < runs.Length; k++)
            {
                int r = round % 2 == 0 ? k : runs.Length - 1 - k;
                seconds[round, r] = Time(runs[r].Embedder, (int)points);
            }

        double peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var rows = new List<Row>();
        for (int r = 0; r < runs.Length; r++)
        {
            var (model, n, d, _, flopsPerPoint) = runs[r];
            double best = Enumerable.Range(0, Rounds).Min(round => seconds[round, r]);
            double pps = points / best;
            double gflops = pps * flopsPerPoint / 1e9;
            rows.Add(new Row(model, n, d, points, best, pps, gflops, gflops / matmul, peak));
            output.WriteLine($"| {model} | {(n == 0 ? "-" : n.ToString("N0"))} | {(d == 0 ? "-" : d)} | {points:N0} | {best:F2} | {pps:N0} | {gflops:F1} | {100 * gflops / matmul:F0}% | {peak:N0} |");
        }
        if (runs.Length == 2)
        {
            // Throughput ratio of the second against the first: the first's time over the second's, round by round.
            var ratios = Enumerable.Range(0, Rounds).Select(round => seconds[round, 0] / seconds[round, 1]).Order().ToArray();
            var comparison = new Comparison(runs[1].Model, runs[0].Model, runs[0].BankSize, (ratios[(Rounds - 1) / 2] + ratios[Rounds / 2]) / 2, ratios[0], ratios[^1]);
            comparisons.Add(comparison);
        }
        return rows;
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
