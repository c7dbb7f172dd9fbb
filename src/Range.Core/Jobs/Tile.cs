namespace RangeOrleans.Core.Jobs;

/// <summary>One cell of a <see cref="GlobeTiling"/>: column counted eastwards from -180, row northwards from -90.</summary>
public readonly record struct Tile(int Column, int Row) : IComparable<Tile>
{
    /// <summary>South-to-north, then west-to-east: the order shards are listed in.</summary>
    public int CompareTo(Tile other) => Row != other.Row ? Row.CompareTo(other.Row) : Column.CompareTo(other.Column);
}
