using System.CommandLine;
using System.Diagnostics;
using RangeOrleans.Cli.Terminal;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range pipeline</c>: pretrain, build a bank, map the globe at 1 degree with RANGE, in that order,
/// on this machine (DEST/model, DEST/bank, DEST/map). Each step resumes from what an interrupted run left.
/// </summary>
public static class PipelineCommand
{
    public static Command Create()
    {
        var o = new TrainingOptions();
        var bankEntries = new Option<int>("--bank-entries") { Description = "Bank entries (earth: sampled locations; s2: a subset).", DefaultValueFactory = _ => 10000 };
        var resolution = new Option<double>("--resolution") { Description = "Map grid spacing in degrees.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("pipeline", "Pretrain SatCLIP, build a RANGE bank, and write a global RANGE embedding map (DEST/model/last.ckpt, DEST/bank/bank.arrow, DEST/map/map.arrow).");
        o.AddTo(command);
        command.Options.Add(bankEntries);
        command.Options.Add(resolution);
        command.SetAction(result =>
        {
            var clock = Stopwatch.StartNew();
            var output = result.InvocationConfiguration.Output;
            var options = o.ToOptions(result);
            var dest = o.Destination(result);
            var spec = result.GetValue(o.Data)!;
            double step = result.GetValue(resolution);
            if (step is <= 0 or > 90) throw new ArgumentException($"--resolution must be in (0, 90] degrees, got {step}");

            var data = DataSource.Open(spec, result.GetValue(o.Entries), options.Seed);
            output.WriteLine($"[1/3] pretrain on {data.Name}: {data.Count:N0} tiles, {options.Epochs} epochs, batch {options.BatchSize}");
            var modelDir = Path.Combine(dest, "model");
            SatClipTrainer.Train(data, options, modelDir, report => output.WriteLine(report.ToString()));
            var checkpoint = Path.Combine(modelDir, SatClipTrainer.CheckpointFile);
            output.WriteLine($"      {clock.Elapsed.TotalMinutes:F1} min");

            output.WriteLine("[2/3] bank");
            var bankData = DataSource.Open(spec, result.GetValue(bankEntries), options.Seed);
            var bankDir = Path.Combine(dest, "bank");
            var bank = BankBuild.Run(checkpoint, bankData, bankDir, null, new MaeTrainingOptions().Epochs, options.Seed, LocalBankJob.DefaultShardSize, output);
            output.WriteLine($"      {bank.Count:N0} entries; {clock.Elapsed.TotalMinutes:F1} min");

            output.WriteLine($"[3/3] map: RANGE embeddings on a {step}-degree global grid (written locally; the cluster's 'range map' takes over when merged)");
            var (lon, lat) = GlobalGrid(step);
            var mapDir = Path.Combine(dest, "map");
            Directory.CreateDirectory(mapDir);
            var mapPath = Path.Combine(mapDir, "map.arrow");
            using (var embedder = EmbedderLoader.Load(new EmbedderSpec(checkpoint, EmbeddingModelKind.Range) { BankPath = Path.Combine(bankDir, LocalBankJob.BankFile) }))
            {
                var metadata = new Dictionary<string, string> { ["range.model"] = embedder.Model, ["range.grid_degrees"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                using var writer = new EmbeddingArrowWriter(mapPath, embedder.Dimension, metadata: metadata);
                long rows = ProgressDisplay.Run("map", lon.Length, progress => EmbeddingPipeline.Write(embedder, lon, lat, writer, progress: progress));
                writer.Commit();
                output.WriteLine($"      {rows:N0} x {embedder.Dimension} -> {mapPath}");
            }
            output.WriteLine($"pipeline done in {clock.Elapsed.TotalMinutes:F1} min: {dest}");
            return 0;
        });
        return command;
    }

    /// <summary>Cell centres of a regular lon/lat grid, rows from north to south.</summary>
    internal static (double[] Lon, double[] Lat) GlobalGrid(double step)
    {
        int nx = (int)Math.Round(360 / step), ny = (int)Math.Round(180 / step);
        var lon = new double[nx * ny];
        var lat = new double[nx * ny];
        for (int y = 0; y < ny; y++)
        {
            for (int x = 0; x < nx; x++)
            {
                lon[y * nx + x] = -180 + (x + 0.5) * 360.0 / nx;
                lat[y * nx + x] = 90 - (y + 0.5) * 180.0 / ny;
            }
        }
        return (lon, lat);
    }
}
