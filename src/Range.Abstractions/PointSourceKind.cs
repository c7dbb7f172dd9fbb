namespace RangeOrleans.Abstractions;

/// <summary>Where a job's points come from.</summary>
public enum PointSourceKind
{
    /// <summary>Cell centres of a regular lon/lat grid (--grid DEG [--bbox]).</summary>
    Grid,

    /// <summary>The N-point spherical Fibonacci lattice (--fibonacci N).</summary>
    Fibonacci,

    /// <summary>Point files (CSV, Arrow), folders of them, or blob URIs (--input).</summary>
    Files,
}
