namespace RangeOrleans.Training.Data;

/// <summary>A decoded multi-band uint16 image, band-interleaved by pixel: sample (x, y, band) is at (y * Width + x) * Bands + band.</summary>
public sealed record TiffImage(int Width, int Height, int Bands, ushort[] Samples)
{
    public ushort At(int x, int y, int band) => Samples[((long)y * Width + x) * Bands + band];
}
