using System.CommandLine;
using RangeOrleans.Cli.Export;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range lookup</c>: embeddings for any points from a finished grid map, without the model.</summary>
public static class LookupCommand
{
    public static Command Create()
    {
        var dest = new Argument<string>("DEST") { Description = "A finished grid map job's output: a folder or az://CONTAINER/PREFIX holding manifest.json and shards/." };
        var input = new Option<FileInfo>("--input")
        {
            Description = "Points: a CSV whose header has lon and lat columns (others ignored), or an Arrow file with lon, lat columns. Degrees.",
            Required = true,
        };
        var output = new Option<FileInfo>("--output")
        {
            Description = $"Arrow IPC file to write: range embed's columns (lon, lat, embedding) plus {MapLookup.DistanceColumn} (float64, km to the cell centre used), one row per input row, same order. Written only when complete.",
            Required = true,
        };
        var method = new Option<string>("--method")
        {
            Description = "nearest: the row of the cell holding the point (exactly the map's row). bilinear: between the four surrounding cell centres.",
            DefaultValueFactory = _ => "nearest",
        };
        method.AcceptOnlyFromAmong("nearest", "bilinear");
        var command = new Command("lookup", "Embeddings for points from a finished grid map (range map --grid): no model loaded, only the shards the points need are read.");
        command.Arguments.Add(dest);
        foreach (var option in new Option[] { input, output, method }) command.Options.Add(option);
        command.SetAction(result =>
        {
            var outputPath = result.GetValue(output)!.FullName;
            var outDir = Path.GetDirectoryName(outputPath)!;
            if (!Directory.Exists(outDir)) throw new DirectoryNotFoundException($"output folder '{outDir}' does not exist");
            var map = FinishedMap.Open(result.GetValue(dest)!);
            map.RequireGrid("range lookup");
            var how = result.GetValue(method) == "bilinear" ? LookupMethod.Bilinear : LookupMethod.Nearest;
            var metadata = map.Identities();
            metadata["range.lookup.method"] = result.GetValue(method)!;
            var precision = EmbeddingPrecisionName.Parse(map.Manifest.Precision);
            using var writer = new EmbeddingArrowWriter(outputPath, map.Dimension, precision, metadata, [MapLookup.DistanceColumn]);
            var summary = MapLookup.Run(map, PointsReader.ReadChunks(result.GetValue(input)!.FullName), how, writer);
            writer.Commit();
            result.InvocationConfiguration.Output.WriteLine($"wrote {summary.Points:N0} x {map.Dimension} looked-up embeddings ({result.GetValue(method)}, {summary.DistinctShardsRead} of {map.Shards.Count} shards read) to {outputPath}");
            return 0;
        });
        return command;
    }
}
