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
/// (L = 10, 256 wide, 2 hidden layers, 256-d) and banks of N x 256 keys and N x D values. On the CPU with OpenBLAS
/// installed, RANGE+ also runs on the other BLAS in the same rounds, and both BLAS' matmul rates are measured.
/// </summary>
public static class ThroughputBenchmark
{
    /// <summary><paramref name="Points"/>: points per trial (rounded up to whole passes) instead of <paramref name="TargetSeconds"/>.</summary>
    public sealed record Settings(int[] BankSizes, int ValueDim, double TargetSeconds, int? Threads, string Device, long? Points = null);

    /// <summary><paramref name="Blas"/>: the BLAS of the CPU's retrieval products ("-" where there is none: SatCLIP, a GPU).</summary>
    public sealed record Row(string Model, int BankSize, int ValueDim, long Points, double Seconds, double PointsPerSecond,
        double GflopPerSecond, double FractionOfMatmul, double PeakMemoryMiB, string Blas = "-");

    /// <summary>Throughput of <paramref name="Model"/> over <paramref name="Baseline"/>'s on the same bank: median and range over the rounds.</summary>
    public sealed record Comparison(string Model, string Baseline, int BankSize, double MedianRatio, double MinRatio, double MaxRatio);

    /// <summary>
    /// <paramref name="MatmulGflopPerSecond"/>: the best float32 sgemm rate measured in the run (the rows' fractions are of
    /// it); <paramref name="LibTorchMatmulGflopPerSecond"/> and <paramref name="OpenBlasMatmulGflopPerSecond"/> (null where
    /// not used) each BLAS' own.
    /// </summary>
    public sealed record Report(string Machine, int Threads, string Device, double MatmulGflopPerSecond, List<Row> Rows, List<Comparison> Comparisons,
        double LibTorchMatmulGflopPerSecond, double? OpenBlasMatmulGflopPerSecond)
    {
        /// <summary>Output rates (<c>range bench --write</c>), measured before the throughput runs.</summary>
        public List<OutputBenchmark.Row> Output { get; init; } = [];
    }

    private const long MaxPoints = 4_000_000;

    public static Report Run(Settings settings, TextWriter output)
    {
        var device = ComputeDevice.Parse(settings.Device);
        if (settings.Threads is { } t)
        {
            torch.set_num_threads(t);
            OpenBlas.Threads = t;
        }
        random.manual_seed(1234);
        string machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, TorchSharp libtorch";
        bool cpu = device.type == DeviceType.CPU;
        var blas = cpu ? CpuBlasChoice.Default : (CpuBlas?)null;
        output.WriteLine($"machine: {machine}; torch threads {torch.get_num_threads()}; device {device}" +
            (cpu ? $"; retrieval BLAS {BlasName(blas)}" + (OpenBlas.IsAvailable ? $" (OpenBLAS threads {OpenBlas.Threads})" : " (libopenblas.so.0 not installed)") : ""));

        using var sgemm = new SgemmRates(device);
        sgemm.Measure(SgemmTrials);
        output.WriteLine($"float32 matmul {sgemm.Size}x{sgemm.Size}x{sgemm.Size}: {sgemm.LibTorch:F1} GFLOP/s (libtorch)");
        if (sgemm.OpenBlasRate is { } openBlasRate)
            output.WriteLine($"float32 matmul {sgemm.Size}x{sgemm.Size}x{sgemm.Size}: {openBlasRate:F1} GFLOP/s (OpenBLAS, trials alternating with libtorch's)");

        var runs = new List<Timed>();
        var comparisons = new List<Comparison>();
        var config = new LocationEncoderConfig(10, 256, 2, 256);
        using (var encoder = NewEncoder(config, device))
        {
            using var satclip = new SatClipEmbedder(encoder);
            double flops = 2.0 * (config.InputDim * config.Capacity + (config.NumHiddenLayers - 1) * config.Capacity * config.Capacity + config.Capacity * config.EmbedDim);
            runs.AddRange(MeasureInterleaved([("satclip", "satclip", 0, 0, satclip, flops, "-")], settings, satclip.RowsPerPass, comparisons));
        }
        foreach (int n in settings.BankSizes)
        {
            var keys = RandomArray((long)n * config.EmbedDim);
            var values = RandomArray((long)n * settings.ValueDim);
            var (lon, lat) = RandomPoints(n, 99);
            // RANGE and RANGE+ on the same bank, timed in alternating rounds; with OpenBLAS installed, RANGE+ on the other BLAS too.
            double rangeFlops = 2.0 * n * (config.EmbedDim + settings.ValueDim), rangePlusFlops = 2.0 * n * (config.EmbedDim + 3 + settings.ValueDim);
            var group = new List<(string Label, string Model, int BankSize, int ValueDim, ILocationEmbedder Embedder, double FlopsPerPoint, string Blas)>
            {
                ("range", "range", n, settings.ValueDim, NewRange(config, device, keys, values, settings.ValueDim, lon, lat, RetrievalOptions.Range(), blas), rangeFlops, BlasName(blas)),
                ("range+", "range+", n, settings.ValueDim, NewRange(config, device, keys, values, settings.ValueDim, lon, lat, RetrievalOptions.RangePlus(), blas), rangePlusFlops, BlasName(blas)),
            };
            if (blas is { } used && OpenBlas.IsAvailable)
            {
                var other = used == CpuBlas.OpenBlas ? CpuBlas.LibTorch : CpuBlas.OpenBlas;
                group.Add(($"range+ ({BlasName(other)})", "range+", n, settings.ValueDim,
                    NewRange(config, device, keys, values, settings.ValueDim, lon, lat, RetrievalOptions.RangePlus(), other), rangePlusFlops, BlasName(other)));
            }
            try
            {
                runs.AddRange(MeasureInterleaved([.. group], settings, group.Max(g => ((RangeEmbedder)g.Embedder).RowsPerPass), comparisons));
            }
            finally
            {
                foreach (var g in group) g.Embedder.Dispose();
            }
        }
        // Again after the throughput runs, so that the yardstick covers the same stretch of a shared machine's time.
        sgemm.Measure(SgemmTrials);
        double matmul = sgemm.Best;
        var rows = runs.Select(r =>
        {
            double pps = r.Points / r.Seconds, gflops = pps * r.FlopsPerPoint / 1e9;
            return new Row(r.Model, r.BankSize, r.ValueDim, r.Points, r.Seconds, pps, gflops, gflops / matmul, r.PeakMiB, r.Blas);
        }).ToList();
        output.WriteLine($"best float32 matmul in this run: {matmul:F1} GFLOP/s ({sgemm.BestName}; libtorch {sgemm.LibTorch:F1}" +
            (sgemm.OpenBlasRate is { } o ? $", OpenBLAS {o:F1}" : "") + $", best of {2 * SgemmTrials} trials each, before and after the rows)");
        output.WriteLine();
        output.WriteLine("| model | bank N | D | points | s | points/s | GFLOP/s | of matmul | peak MiB | BLAS |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < rows.Count; i++)
        {
            var (model, n, d, points, best, pps, gflops, fraction, peak, rowBlas) = rows[i];
            output.WriteLine($"| {model} | {(n == 0 ? "-" : n.ToString("N0"))} | {(d == 0 ? "-" : d)} | {points:N0} | {best:F2} | {pps:N0} | {gflops:F1} | {100 * fraction:F0}% | {peak:N0} | {rowBlas} |");
        }
        output.WriteLine();
        foreach (var c in comparisons)
            output.WriteLine($"{c.Model} / {c.Baseline} throughput at N = {c.BankSize:N0}: {c.MedianRatio:F3} (median of {Rounds} rounds; {c.MinRatio:F3} to {c.MaxRatio:F3})");
        return new Report(machine, torch.get_num_threads(), device.ToString(), matmul, rows, comparisons, sgemm.LibTorch, sgemm.OpenBlasRate);
    }

    /// <summary>Trials of each BLAS' sgemm before and again after the rows.</summary>
    private const int SgemmTrials = 3;

    private static string BlasName(CpuBlas? blas) => blas switch { CpuBlas.OpenBlas => "openblas", CpuBlas.LibTorch => "libtorch", _ => "-" };

    private static RangeEmbedder NewRange(LocationEncoderConfig config, Device device, float[] keys, float[] values, int valueDim,
        double[] lon, double[] lat, RetrievalOptions options, CpuBlas? blas) =>
        new(NewEncoder(config, device), new RangeRetriever(keys, config.EmbedDim, values, valueDim, lon, lat, device, blas), options);

    private static double PeakMemoryMiB() => Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

    /// <summary>Rounds per group; each round times every embedder of the group once, on the same number of points.</summary>
    public const int Rounds = 6;

    /// <summary>One embedder's fastest trial, with the process's peak memory after its group.</summary>
    private sealed record Timed(string Model, int BankSize, int ValueDim, long Points, double Seconds, double FlopsPerPoint, string Blas, double PeakMiB);

    /// <summary>
    /// Times the embedders of a group in rounds, alternating their order (A B C, C B A, ...) so that none always runs
    /// first or last, and a busy moment of the machine lands on all. A row reports an embedder's fastest trial (as the
    /// matmul rate does); a comparison reports, for each embedder after the first against the one before it, the median
    /// of the per-round throughput ratios, which holds still while the machine's speed drifts.
    /// </summary>
    private static List<Timed> MeasureInterleaved(
        (string Label, string Model, int BankSize, int ValueDim, ILocationEmbedder Embedder, double FlopsPerPoint, string Blas)[] runs,
        Settings settings, int chunk, List<Comparison> comparisons)
    {
        foreach (var run in runs) Time(run.Embedder, chunk); // warm-up: first-call allocations and kernel selection
        // Whole multiples of the embedders' pass height (a power of two), so that no trial pays for padding.
        long points;
        if (settings.Points is { } fixedPoints)
            points = Math.Max(1, (fixedPoints + chunk - 1) / chunk) * chunk;
        else
        {
            double rate = chunk / Time(runs[0].Embedder, chunk);
            points = Math.Clamp((long)Math.Ceiling(rate * settings.TargetSeconds / Rounds / chunk), 1, MaxPoints / chunk) * chunk;
        }
        var seconds = new double[Rounds, runs.Length];
        for (int round = 0; round < Rounds; round++)
            for (int k = 0; k < runs.Length; k++)
            {
                int r = round % 2 == 0 ? k : runs.Length - 1 - k;
                seconds[round, r] = Time(runs[r].Embedder, points);
            }

        double peak = PeakMemoryMiB();
        for (int r = 1; r < runs.Length; r++)
        {
            // Throughput ratio against the run before: its time over this one's, round by round.
            var ratios = Enumerable.Range(0, Rounds).Select(round => seconds[round, r - 1] / seconds[round, r]).Order().ToArray();
            comparisons.Add(new Comparison(runs[r].Label, runs[r - 1].Label, runs[0].BankSize, (ratios[(Rounds - 1) / 2] + ratios[Rounds / 2]) / 2, ratios[0], ratios[^1]));
        }
        return runs.Select((run, r) => new Timed(run.Model, run.BankSize, run.ValueDim, points,
            Enumerable.Range(0, Rounds).Min(round => seconds[round, r]), run.FlopsPerPoint, run.Blas, peak)).ToList();
    }

    /// <summary>Seconds to embed <paramref name="points"/> random points in pipeline batches (each batch's rows written to one reused buffer).</summary>
    private static double Time(ILocationEmbedder embedder, long points)
    {
        var (lon, lat) = RandomPoints(checked((int)points), (int)points);
        var batch = new float[(long)EmbeddingPipeline.DefaultBatchRows * embedder.Dimension];
        var sw = Stopwatch.StartNew();
        for (int start = 0; start < points; start += EmbeddingPipeline.DefaultBatchRows)
        {
            int n = (int)Math.Min(EmbeddingPipeline.DefaultBatchRows, points - start);
            embedder.Embed(lon.AsSpan(start, n), lat.AsSpan(start, n), batch.AsSpan(0, n * embedder.Dimension));
        }
        return sw.Elapsed.TotalSeconds;
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
