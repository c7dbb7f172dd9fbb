namespace RangeOrleans.Training.Samplers;

/// <summary>Yields locations to cut tiles at (torchgeo's GeoSampler): deterministic for a given seed.</summary>
public interface ILocationSampler
{
    /// <summary><paramref name="count"/> (lon, lat) degree pairs.</summary>
    (double[] Lon, double[] Lat) Sample(int count, int seed);
}
