using RangeOrleans.Core.Banks;

namespace RangeOrleans.Core.Tests.Banks;

/// <summary>Small deterministic banks for tests.</summary>
internal static class BankSamples
{
    public static FeatureBank Make(int count, int keyDim = 3, int valueDim = 5, int seed = 1)
    {
        var random = new Random(seed);
        var lon = new double[count];
        var lat = new double[count];
        for (int i = 0; i < count; i++)
        {
            lon[i] = random.NextDouble() * 360 - 180;
            lat[i] = random.NextDouble() * 180 - 90;
        }
        var keys = new float[count * keyDim];
        var values = new float[count * valueDim];
        for (int i = 0; i < keys.Length; i++) keys[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 4 - 2);
        return new FeatureBank(lon, lat, keys, keyDim, values, valueDim, "sample");
    }

    public static void AssertSameContent(FeatureBank expected, FeatureBank actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.KeyDim, actual.KeyDim);
        Assert.Equal(expected.ValueDim, actual.ValueDim);
        Assert.Equal(expected.Lon, actual.Lon);
        Assert.Equal(expected.Lat, actual.Lat);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.Info.Sha256, actual.Info.Sha256);
    }
}
