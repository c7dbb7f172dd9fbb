namespace RangeOrleans.Training.Data;

/// <summary>A seeded random subset of another dataset's entries (kept in their original order).</summary>
public sealed class SubsetDataset : IGeoTileDataset
{
    private readonly IGeoTileDataset _inner;
    private readonly int[] _entries;

    public SubsetDataset(IGeoTileDataset inner, int count, int seed)
    {
        if (count < 0 || count > inner.Count) throw new ArgumentOutOfRangeException(nameof(count), $"{count} entries of {inner.Count}");
        _inner = inner;
        var order = Enumerable.Range(0, inner.Count).ToArray();
        new Random(seed).Shuffle(order);
        _entries = order[..count];
        Array.Sort(_entries);
    }

    public string Name => _inner.Name;
    public int Count => _entries.Length;
    public int Channels => _inner.Channels;
    public int NativeTileSize => _inner.NativeTileSize;
    public double Lon(int index) => _inner.Lon(_entries[index]);
    public double Lat(int index) => _inner.Lat(_entries[index]);
    public bool SupportsTileSize(int size) => _inner.SupportsTileSize(size);
    public void ReadTile(int index, int size, Span<float> output) => _inner.ReadTile(_entries[index], size, output);
}
