namespace RangeOrleans.Core.Formats.GeoTiff;

/// <summary>How a band's values are stored in a Cloud-Optimized GeoTIFF.</summary>
public enum CogSampleType
{
    /// <summary>32-bit IEEE float: the values exactly. NoData is NaN.</summary>
    Float32,

    /// <summary>16-bit IEEE float (half): ~3 significant digits, relative error at most 2^-11. NoData is NaN.</summary>
    Float16,

    /// <summary>Signed 8-bit integer q in [-127, 127] with value = q x scale + offset per band; NoData is -128.</summary>
    Int8,
}

/// <summary>
/// What <see cref="CogWriter"/> writes: a north-up raster of <see cref="Width"/> x <see cref="Height"/> square
/// pixels in EPSG:4326 (pixel (0, 0)'s north-west corner at (<see cref="West"/>, <see cref="North"/>), PixelIsArea),
/// <see cref="Bands"/> bands stored band by band (planar) in <see cref="BlockSize"/>-pixel tiles, deflate-compressed.
/// </summary>
public sealed record CogOptions
{
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int Bands { get; init; }
    public required double West { get; init; }
    public required double North { get; init; }
    public required double PixelSize { get; init; }
    public int BlockSize { get; init; } = 256;
    public CogSampleType SampleType { get; init; } = CogSampleType.Float32;

    /// <summary>One description per band (GDAL's band description), or null.</summary>
    public IReadOnlyList<string>? BandDescriptions { get; init; }

    /// <summary>Per band, for <see cref="CogSampleType.Int8"/>: value = stored x Scale + Offset (GDAL's band scale and offset).</summary>
    public float[]? Scale { get; init; }

    /// <inheritdoc cref="Scale"/>
    public float[]? Offset { get; init; }

    /// <summary>Dataset metadata items (GDAL's default metadata domain).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    internal int BytesPerSample => SampleType switch { CogSampleType.Float32 => 4, CogSampleType.Float16 => 2, _ => 1 };

    internal void Validate()
    {
        if (Width < 1 || Height < 1 || Bands < 1) throw new ArgumentException($"raster of {Width} x {Height} pixels and {Bands} bands");
        if (Bands > ushort.MaxValue) throw new ArgumentException($"{Bands} bands: a TIFF holds at most {ushort.MaxValue}");
        if (BlockSize < 16 || BlockSize % 16 != 0 || BlockSize > 4096) throw new ArgumentException($"block size {BlockSize}: expected a multiple of 16 in [16, 4096]");
        if (!(PixelSize > 0) || !double.IsFinite(West) || !double.IsFinite(North)) throw new ArgumentException("the geotransform needs a finite origin and a positive pixel size");
        if (BandDescriptions is not null && BandDescriptions.Count != Bands) throw new ArgumentException($"{BandDescriptions.Count} band descriptions for {Bands} bands");
        if (SampleType == CogSampleType.Int8 && (Scale?.Length != Bands || Offset?.Length != Bands))
            throw new ArgumentException("int8 needs a scale and an offset per band");
    }
}
