using System.CommandLine;
using System.Globalization;
using RangeOrleans.Cli.Export;
using RangeOrleans.Core.Formats.GeoTiff;
using RangeOrleans.Maps.Drawing;
using RangeOrleans.Maps.Projection;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range similarity</c>: how alike every place of a map is to one place: the cosine similarity of each map
/// row's embedding to the embedding of the map row nearest (LON, LAT), drawn on a world map with coastlines and
/// a colour bar, and for a grid map optionally a single-band Cloud-Optimized GeoTIFF of the same values.
/// </summary>
public static class SimilarityCommand
{
    public static Command Create()
    {
        var dest = new Argument<string>("DEST") { Description = "A finished map job's output folder (manifest.json and shards/)." };
        var at = new Option<string>("--at") { Description = "LON,LAT (degrees): the place to compare every other place with.", Required = true };
        var png = new Option<FileInfo?>("--png") { Description = "PNG to write: the similarity on a world map, with coastlines and a colour bar." };
        var tif = new Option<string?>("--output") { Description = "GeoTIFF to write (grid maps): one float32 band of the similarities, NoData outside the map (local or az://)." };
        var width = new Option<int>("--width") { Description = "Width of the map in pixels (height is half).", DefaultValueFactory = _ => 1024 };
        var command = new Command("similarity", "Cosine similarity of every place of a map to one place, as a picture with a colour bar and optionally a GeoTIFF.");
        command.Arguments.Add(dest);
        foreach (var option in new Option[] { at, png, tif, width }) command.Options.Add(option);
        command.SetAction(result =>
        {
            var (lon, lat) = ParseAt(result.GetValue(at)!);
            var pngPath = result.GetValue(png)?.FullName;
            var tifPath = result.GetValue(tif);
            if (pngPath is null && tifPath is null) throw new ArgumentException("give --png OUT.png, --output OUT.tif or both");
            if (pngPath is not null && !Directory.Exists(Path.GetDirectoryName(pngPath)))
                throw new DirectoryNotFoundException($"output folder '{Path.GetDirectoryName(pngPath)}' does not exist");
            string path = result.GetValue(dest)!;
            var map = FinishedMap.Open(path);
            if (tifPath is not null) map.RequireGrid("--output (a GeoTIFF)");
            if (!map.Covers(lon, lat))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--at {lon},{lat} is outside the map's cells (its --bbox {map.Grid!.Box})"));

            var data = map.ReadAll();
            int dim = data.Dimension, nearest = CosineSimilarity.NearestRow(data, lon, lat);
            var similarity = CosineSimilarity.ToRow(data, nearest);
            float min = similarity.Min(), max = similarity.Max();
            string place = string.Create(CultureInfo.InvariantCulture, $"({data.Lon[nearest]:0.###}, {data.Lat[nearest]:0.###})");
            var output = result.InvocationConfiguration.Output;
            if (pngPath is not null)
            {
                var panel = new MapPanel($"cosine similarity to the embedding at {place}, the map point nearest {lon.ToString(CultureInfo.InvariantCulture)}, {lat.ToString(CultureInfo.InvariantCulture)}",
                    data.Lon, data.Lat, Colormap.ToRgb(similarity, min, max));
                string model = data.Metadata.TryGetValue("range.model", out var m) ? m : "embedding";
                var bar = SimilarityBar(min, max);
                string legend = $"{model} {dim}-d embeddings, {data.Count:N0} points; colour: cosine similarity from {min:0.###} to {max:0.###} (viridis); ring: the query point; coastlines: Natural Earth";
                WorldMapRenderer.WritePng(pngPath, [panel], result.GetValue(width), $"{model}: which places are like {place}?", legend, Coastlines.Load(), [bar], [(data.Lon[nearest], data.Lat[nearest])]);
                output.WriteLine($"wrote {pngPath}");
            }
            if (tifPath is not null)
            {
                var grid = map.Grid!;
                var raster = new float[(long)grid.LonCells * grid.LatCells];
                Array.Fill(raster, float.NaN);
                for (int i = 0; i < data.Count; i++)
                    raster[(long)(grid.LatCells - 1 - grid.RowOf(data.Lat[i])) * grid.LonCells + grid.ColumnOf(data.Lon[i])] = similarity[i];
                var metadata = map.Identities();
                metadata["range.similarity.at"] = place;
                var options = new CogOptions
                {
                    Width = grid.LonCells, Height = grid.LatCells, Bands = 1, West = -180, North = 90, PixelSize = grid.Degrees,
                    BandDescriptions = ["cosine_similarity"], Metadata = metadata,
                };
                var target = ExportTarget.CreateAsync(tifPath).GetAwaiter().GetResult();
                try
                {
                    CogWriter.Write(target.Stream, options, (bx, by, window) =>
                    {
                        bool any = false;
                        int block = options.BlockSize;
                        for (int y = 0; y < block && by * block + y < grid.LatCells; y++)
                        {
                            for (int x = 0; x < block && bx * block + x < grid.LonCells; x++)
                            {
                                float v = raster[(long)(by * block + y) * grid.LonCells + bx * block + x];
                                window[y * block + x] = v;
                                any |= !float.IsNaN(v);
                            }
                        }
                        return any;
                    });
                    target.CommitAsync().GetAwaiter().GetResult();
                }
                finally
                {
                    target.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
                output.WriteLine($"wrote {target.Location}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The key of a similarity picture: viridis from the lowest to the highest similarity.</summary>
    internal static ColourBar SimilarityBar(double min, double max) => new("cosine similarity", min, max, Colormap.Viridis);

    private static (double Lon, double Lat) ParseAt(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 2
            || !double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double lon)
            || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double lat)
            || !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
            throw new ArgumentException($"--at '{text}': expected LON,LAT in degrees, within [-180, 180] x [-90, 90]");
        return (lon, lat);
    }
}
