using System.Diagnostics;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// How fast embeddings reach a destination: rows written the way a map shard writes them (<see cref="EmbeddingBlob"/>:
/// Arrow batches of <see cref="EmbeddingPipeline.DefaultBatchRows"/> rows, hashed on the way, committed at the end), in
/// float32 and float16, to each destination given. The values are one random batch written again and again, so this
/// times the output path (conversion, Arrow framing, hashing, the store), not the embedders.
/// </summary>
public static class OutputBenchmark
{
    public sealed record Row(string Destination, string Precision, long Rows, int Dimension, long Bytes, double Seconds,
        double MegabytesPerSecond, double RowsPerSecond, double PeakMemoryMiB);

    public static List<Row> Run(IReadOnlyList<string> destinations, long rows, int dimension, TextWriter output)
    {
        var stores = destinations.Select(d => BlobStores.Open(d)).ToList(); // a bad destination is refused before anything runs
        int batchRows = EmbeddingPipeline.DefaultBatchRows;
        var rng = new Random(7);
        var values = new float[(long)batchRows * dimension];
        for (long i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        var lon = Enumerable.Range(0, batchRows).Select(i => -180.0 + 360.0 * i / batchRows).ToArray();
        var lat = Enumerable.Range(0, batchRows).Select(i => -90.0 + 180.0 * i / batchRows).ToArray();

        output.WriteLine($"output: {rows:N0} rows x {dimension} values per destination and precision, in {batchRows:N0}-row Arrow batches");
        output.WriteLine();
        output.WriteLine("| destination | precision | rows | MB | s | MB/s | rows/s | peak MiB |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        var results = new List<Row>();
        foreach (var store in stores)
        {
            foreach (var precision in new[] { EmbeddingPrecision.Float32, EmbeddingPrecision.Float16 })
            {
                string name = $"range-bench-output-{precision.ToString().ToLowerInvariant()}.arrow";
                var sw = Stopwatch.StartNew();
                try
                {
                    EmbeddingBlob.WriteAsync(store, name, dimension, precision, null, writer =>
                    {
                        for (long start = 0; start < rows; start += batchRows)
                        {
                            int n = (int)Math.Min(batchRows, rows - start);
                            writer.WriteBatch(lon.AsSpan(0, n), lat.AsSpan(0, n), values.AsSpan(0, n * dimension));
                        }
                        return rows;
                    }, CancellationToken.None).GetAwaiter().GetResult();
                    double seconds = sw.Elapsed.TotalSeconds;
                    long bytes = Length(store, name);
                    double peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
                    var row = new Row(store.Location, precision.ToString().ToLowerInvariant(), rows, dimension, bytes, seconds, bytes / 1e6 / seconds, rows / seconds, peak);
                    results.Add(row);
                    output.WriteLine($"| {row.Destination} | {row.Precision} | {rows:N0} | {bytes / 1e6:N0} | {seconds:F2} | {row.MegabytesPerSecond:N0} | {row.RowsPerSecond:N0} | {peak:N0} |");
                }
                finally
                {
                    store.DeleteAsync(name).GetAwaiter().GetResult();
                }
            }
        }
        output.WriteLine();
        return results;
    }

    private static long Length(IBlobStore store, string name)
    {
        var entries = store.ListAsync(name).ToBlockingEnumerable().Where(e => e.Name == name).ToList();
        return entries.Count == 1 ? entries[0].Length : throw new InvalidOperationException($"{store.Location}/{name} was not committed");
    }
}
