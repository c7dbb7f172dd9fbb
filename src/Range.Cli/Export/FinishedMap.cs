using System.Globalization;
using System.Reflection;
using System.Text.Json;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Export;

/// <summary>
/// A finished map job's DEST (local folder or az://), read through its manifest: what kind of points it holds,
/// for a grid the grid itself (step and --bbox), and its shards by tile. Opening fails with one clear
/// message when DEST has no manifest (the job is not finished) or the manifest is not valid.
/// </summary>
internal sealed class FinishedMap
{
    private readonly Dictionary<Tile, ManifestShard> _shards = [];

    private FinishedMap(string destination, IBlobStore store, JobManifest manifest)
    {
        Destination = destination;
        Store = store;
        Manifest = manifest;
        Tiling = new GlobeTiling(manifest.TileDegrees);
        var points = manifest.Spec.TryGetProperty("points", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        Kind = points.ValueKind == JsonValueKind.Object && points.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "unknown";
        if (Kind == "grid")
        {
            if (!points.TryGetProperty("gridDegrees", out var d) || d.ValueKind != JsonValueKind.Number)
                throw new RangeFormatException(Describe, "a grid job's manifest without gridDegrees");
            string? box = points.TryGetProperty("boundingBox", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
            Grid = new GridPoints(d.GetDouble(), box is null ? null : BoundingBox.Parse(box));
        }
        foreach (var shard in manifest.Shards)
        {
            Tile tile;
            try { tile = Tiling.ParseId(shard.Tile); }
            catch (ArgumentException e) { throw new RangeFormatException(Describe, $"shard {shard.Name}: {e.Message}"); }
            _shards[tile] = shard;
        }
    }

    public string Destination { get; }
    public IBlobStore Store { get; }
    public JobManifest Manifest { get; }
    public GlobeTiling Tiling { get; }

    /// <summary>"grid", "fibonacci" or "files", as the job's spec says.</summary>
    public string Kind { get; }

    /// <summary>The grid of a grid job, else null.</summary>
    public GridPoints? Grid { get; }

    public int Dimension => Manifest.Dimension;

    private string Describe => $"{Destination}/{JobManifest.FileName}";

    public static FinishedMap Open(string destination)
    {
        var store = BlobStores.Open(destination);
        byte[] json;
        try
        {
            json = store.ReadAllBytesAsync(JobManifest.FileName).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArgumentException($"'{destination}' has no {JobManifest.FileName}: not a finished map job (a job writes it last, when every shard is stored; see range status)");
        }
        return new FinishedMap(destination, store, JobManifest.Parse(json, $"{destination}/{JobManifest.FileName}"));
    }

    /// <summary>The grid, or an ArgumentException saying <paramref name="what"/> needs a grid job.</summary>
    public GridPoints RequireGrid(string what) => Grid ??
        throw new ArgumentException($"{what} needs a grid map job (range map --grid); '{Destination}' holds a {Kind} job{(Kind == "grid" ? "" : " (use --format geoparquet for any map)")}");

    /// <summary>Whether (lon, lat) falls in one of a grid map's cells (a --bbox map has cells only in its box); true for other maps.</summary>
    public bool Covers(double lon, double lat) => Grid is not { } grid || grid.IsSelected(grid.ColumnOf(lon), grid.RowOf(lat));

    public ManifestShard? ShardOf(Tile tile) => _shards.GetValueOrDefault(tile);

    public IReadOnlyList<ManifestShard> Shards => Manifest.Shards;

    /// <summary>Reads a whole shard; a shard the manifest lists but DEST lacks is a RangeFormatException naming it.</summary>
    public EmbeddingColumns ReadShard(ManifestShard shard)
    {
        string source = $"{Destination}/{shard.Name}";
        Stream stream;
        try { stream = Store.OpenReadAsync(shard.Name).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RangeFormatException(source, "missing: the manifest lists this shard but DEST does not hold it");
        }
        using (stream)
        {
            var columns = stream.CanSeek ? EmbeddingArrowReader.ReadAll(stream, source) : ReadCopy(stream, source);
            if (columns.Count != shard.Rows) throw new RangeFormatException(source, $"{columns.Count} rows, the manifest says {shard.Rows}");
            if (columns.Dimension != Dimension) throw new RangeFormatException(source, $"dimension {columns.Dimension}, the manifest says {Dimension}");
            return columns;
        }
    }

    /// <summary>Every shard's rows, in the manifest's order, in one set of columns (the first shard's metadata): for a map small enough to hold.</summary>
    public EmbeddingColumns ReadAll()
    {
        var parts = Shards.Select(ReadShard).Where(p => p.Count > 0).ToList();
        if (parts.Count == 0) throw new RangeFormatException(Describe, "no rows in any shard");
        return EmbeddingColumns.Concat(parts);
    }

    /// <summary>
    /// Reads a grid job's shard and checks it lists exactly its tile's cells in the grid's order, so cell (i, j)
    /// is row <see cref="TileCells.IndexOf"/> of it.
    /// </summary>
    public (EmbeddingColumns Columns, TileCells Cells) ReadGridShard(Tile tile, ManifestShard shard)
    {
        var grid = RequireGrid("reading cells");
        var columns = ReadShard(shard);
        var cells = grid.CellsIn(Tiling, tile);
        if (cells.Count != columns.Count)
            throw new RangeFormatException($"{Destination}/{shard.Name}", $"{columns.Count} rows, the grid has {cells.Count} cells in tile {shard.Tile}");
        if (cells.Count > 0)
        {
            const double tolerance = 1e-9;
            int last = columns.Count - 1;
            int lastI = cells.FirstColumn + cells.Columns - 1, lastJ = cells.FirstRow + cells.Rows - 1;
            if (Math.Abs(columns.Lon[0] - grid.Lon(cells.FirstColumn)) > tolerance || Math.Abs(columns.Lat[0] - grid.Lat(cells.FirstRow)) > tolerance
                || Math.Abs(columns.Lon[last] - grid.Lon(lastI)) > tolerance || Math.Abs(columns.Lat[last] - grid.Lat(lastJ)) > tolerance)
                throw new RangeFormatException($"{Destination}/{shard.Name}", "its rows are not the grid's cells in order (south to north, west to east)");
        }
        return (columns, cells);
    }

    /// <summary>The job's identities, for an export's metadata.</summary>
    public Dictionary<string, string> Identities()
    {
        var m = Manifest;
        var items = new Dictionary<string, string>
        {
            ["range.job_id"] = m.JobId,
            ["range.model"] = m.ModelKind,
            ["range.model_source"] = m.Model.Source,
            ["range.model_sha256"] = m.Model.Sha256,
            ["range.dimension"] = m.Dimension.ToString(CultureInfo.InvariantCulture),
            ["range.map_precision"] = m.Precision,
            ["range.map_completed_at"] = m.CompletedAt.ToString("O", CultureInfo.InvariantCulture),
            ["range.points"] = Kind,
            ["range.software"] = SoftwareVersion,
        };
        if (m.Bank is not null)
        {
            items["range.bank_source"] = m.Bank.Source;
            items["range.bank_sha256"] = m.Bank.Sha256;
        }
        if (Grid is not null)
        {
            items["range.grid_degrees"] = Grid.Degrees.ToString("R", CultureInfo.InvariantCulture);
            items["range.bbox"] = Grid.Box.ToString();
        }
        return items;
    }

    /// <summary>The exporting program's version (the manifest records none of the mapping software's).</summary>
    public static string SoftwareVersion { get; } = "RangeOrleans range " +
        (typeof(FinishedMap).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    private static EmbeddingColumns ReadCopy(Stream stream, string source)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return EmbeddingArrowReader.ReadAll(copy, source);
    }
}
