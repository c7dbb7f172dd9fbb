using System.CommandLine;
using RangeOrleans.Cli.Export;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.GeoTiff;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range export</c>: a finished map job's DEST as one file the geospatial tools open: a Cloud-Optimized
/// GeoTIFF (grid jobs) or GeoParquet (any job). DEST and the output may be local or az://.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var dest = new Argument<string>("DEST") { Description = "A finished map job's output: a folder or az://CONTAINER/PREFIX holding manifest.json and shards/." };
        var format = new Option<string>("--format") { Description = "cog: Cloud-Optimized GeoTIFF, one band per dimension (grid jobs). geoparquet: GeoParquet 1.1 points (any job).", Required = true };
        format.AcceptOnlyFromAmong("cog", "geoparquet");
        var output = new Option<string>("--output") { Description = "File to write (local path or az://CONTAINER/PATH); it appears only when complete.", Required = true };
        var precision = new Option<string?>("--precision")
        {
            Description = "cog band type: float32 (exact), float16 (relative error <= 2^-11) or int8 (per-band scale/offset, error <= scale/2). Default: the map's precision.",
        };
        precision.AcceptOnlyFromAmong("float32", "float16", "int8");
        var command = new Command("export", "Export a finished map as a Cloud-Optimized GeoTIFF or GeoParquet for GDAL, QGIS, DuckDB, GeoPandas.");
        command.Arguments.Add(dest);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(precision);
        command.SetAction(result =>
        {
            var map = FinishedMap.Open(result.GetValue(dest)!);
            string? chosen = result.GetValue(precision);
            Func<Stream, string> write;
            if (result.GetValue(format) == "cog")
            {
                var grid = map.RequireGrid("--format cog");
                var type = (chosen ?? map.Manifest.Precision) switch { "float16" => CogSampleType.Float16, "int8" => CogSampleType.Int8, _ => CogSampleType.Float32 };
                write = stream =>
                {
                    var summary = CogExport.Write(map, type, stream);
                    return $"{grid.LonCells} x {grid.LatCells} pixels, {map.Dimension} {type.ToString().ToLowerInvariant()} bands, {summary.OverviewLevels} overview levels, {summary.Bytes:N0} bytes";
                };
            }
            else
            {
                if (chosen is not null) throw new ArgumentException("--precision applies to --format cog only (geoparquet embeddings are float32)");
                write = stream =>
                {
                    var summary = GeoParquetExport.WriteSeekable(map, stream);
                    return $"{summary.Rows:N0} points x {map.Dimension} float32, {summary.RowGroups} row groups";
                };
            }
            // Before any compute: a local output must be none of the map's own files (its manifest or a shard).
            if (!BlobStores.IsAzure(result.GetValue(output)!) && !BlobStores.IsAzure(map.Destination))
                OutputCheck.File(result.GetValue(output)!, "--output", [("DEST", Path.Combine(map.Destination, JobManifest.FileName)),
                    .. map.Manifest.Shards.Select(s => ((string, string?))("DEST", Path.Combine(map.Destination, s.Name)))]);
            var target = ExportTarget.CreateAsync(result.GetValue(output)!).GetAwaiter().GetResult();
            try
            {
                string what = write(target.Stream);
                target.CommitAsync().GetAwaiter().GetResult();
                result.InvocationConfiguration.Output.WriteLine($"wrote {target.Location}: {what}");
            }
            finally
            {
                target.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return 0;
        });
        return command;
    }
}
