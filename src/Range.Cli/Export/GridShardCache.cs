using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Export;

/// <summary>
/// The last decoded shards of a grid map (at most <paramref name="maxShards"/>, and beyond the first at most
/// <paramref name="maxBytes"/> of values), least recently used dropped first, or with <paramref name="keepOldest"/>
/// the most recently used other than the new one (right for scans that repeat in the same order, as a look-up's
/// chunks do: they then keep most of the map instead of none); a tile without cells gives an
/// empty entry, a tile with cells but no shard in the manifest (or a shard missing from DEST) a RangeFormatException.
/// </summary>
internal sealed class GridShardCache(FinishedMap map, int maxShards, long maxBytes = long.MaxValue, bool keepOldest = false)
{
    private readonly LinkedList<(Tile Tile, EmbeddingColumns Columns, TileCells Cells)> _recent = new();

    private readonly HashSet<Tile> _read = [];
    private long _bytes;

    /// <summary>Shard reads, counting a shard read again after it was dropped.</summary>
    public int ShardsRead { get; private set; }

    /// <summary>Distinct shards read.</summary>
    public int DistinctShardsRead => _read.Count;

    public (EmbeddingColumns Columns, TileCells Cells) Get(Tile tile)
    {
        for (var node = _recent.First; node is not null; node = node.Next)
        {
            if (node.Value.Tile != tile) continue;
            _recent.Remove(node);
            _recent.AddFirst(node);
            return (node.Value.Columns, node.Value.Cells);
        }
        var grid = map.RequireGrid("reading cells");
        var cells = grid.CellsIn(map.Tiling, tile);
        var shard = map.ShardOf(tile);
        (EmbeddingColumns Columns, TileCells Cells) entry;
        if (cells.Count == 0) entry = (new EmbeddingColumns([], [], [], map.Dimension), cells);
        else if (shard is null)
            throw new RangeFormatException($"{map.Destination}/{JobManifest.FileName}", $"no shard for tile {map.Tiling.Id(tile)}, which holds {cells.Count:N0} cells of the grid");
        else
        {
            entry = map.ReadGridShard(tile, shard);
            ShardsRead++;
            _read.Add(tile);
        }
        _recent.AddFirst((tile, entry.Columns, entry.Cells));
        _bytes += Bytes(entry.Columns);
        while (_recent.Count > 1 && (_recent.Count > maxShards || _bytes > maxBytes))
        {
            var drop = keepOldest ? _recent.First!.Next! : _recent.Last!;
            _bytes -= Bytes(drop.Value.Columns);
            _recent.Remove(drop);
        }
        return entry;
    }

    private static long Bytes(EmbeddingColumns columns) => 4L * columns.Embeddings.Length + 16L * columns.Count;
}
