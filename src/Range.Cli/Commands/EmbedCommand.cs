using System.CommandLine;
using RangeOrleans.Cli.Terminal;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range embed</c>: embeddings for a file of points, written as one Arrow file.</summary>
public static class EmbedCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var input = new Option<FileInfo>("--input")
        {
            Description = "Points: a CSV whose header has a longitude (lon, lng, long or longitude) and a latitude (lat or latitude) column, any case, others ignored; or an Arrow file with such columns. Degrees.",
            Required = true,
        };
        var output = OutputOption.Create<FileInfo>("FILE.arrow",
            "Arrow IPC file to write: lon (float64), lat (float64), embedding (fixed-size list of float32), one row per input row, same order. Written only when complete.",
            required: true);
        var batch = new Option<int>("--batch-size")
        {
            Description = "Points per record batch written.",
            DefaultValueFactory = _ => EmbeddingPipeline.DefaultBatchRows,
        };
        var precision = PrecisionOption.Create();
        var command = new Command("embed", "Embed points with SatCLIP, RANGE or RANGE+ and write an Arrow file.");
        model.AddTo(command);
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(batch);
        command.Options.Add(precision);
        command.SetAction(result =>
        {
            var spec = model.ToSpec(result);
            int batchRows = result.GetValue(batch);
            if (batchRows < 1) throw new ArgumentException($"--batch-size must be at least 1, got {batchRows}");
            var outputPath = result.GetValue(output)!.FullName;
            var outDir = Path.GetDirectoryName(outputPath)!;
            if (!Directory.Exists(outDir)) throw new DirectoryNotFoundException($"output folder '{outDir}' does not exist");
            var inputPath = result.GetValue(input)!.FullName;
            OutputCheck.File(outputPath, OutputOption.Name, ("--input", inputPath), ("--checkpoint", spec.CheckpointPath), ("--bank", spec.BankPath));

            var points = PointsReader.Read(inputPath);
            using var embedder = EmbedderLoader.Load(spec);
            var metadata = new Dictionary<string, string>
            {
                ["range.model"] = embedder.Model,
                ["range.checkpoint"] = Path.GetFileName(spec.CheckpointPath),
            };
            if (spec.BankPath is not null) metadata["range.bank"] = Path.GetFileName(spec.BankPath);
            var columnType = EmbeddingPrecisionName.Parse(result.GetValue(precision));
            using var writer = new EmbeddingArrowWriter(outputPath, embedder.Dimension, columnType, metadata);
            long rows = ProgressDisplay.Run($"embed {embedder.Model}", points.Count,
                progress => EmbeddingPipeline.Write(embedder, points.Lon, points.Lat, writer, batchRows, progress, Interruption.Token));
            writer.Commit();
            result.InvocationConfiguration.Output.WriteLine($"wrote {rows:N0} x {embedder.Dimension} {embedder.Model} embeddings to {outputPath}");
            return 0;
        });
        return command;
    }
}
