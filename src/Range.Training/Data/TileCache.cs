using System.Collections.Concurrent;

namespace RangeOrleans.Training.Data;

/// <summary>Keeps decoded tiles (keyed by entry and size) until a memory budget is spent; beyond it, tiles are simply not cached.</summary>
internal sealed class TileCache(long budgetBytes)
{
    private readonly ConcurrentDictionary<(int Index, int Size), float[]> _tiles = new();
    private long _bytes;

    public bool TryGet(int index, int size, out float[] tile) => _tiles.TryGetValue((index, size), out tile!);

    public void Add(int index, int size, float[] tile)
    {
        long bytes = tile.LongLength * sizeof(float);
        if (Interlocked.Read(ref _bytes) + bytes > budgetBytes) return;
        if (_tiles.TryAdd((index, size), tile)) Interlocked.Add(ref _bytes, bytes);
    }
}
