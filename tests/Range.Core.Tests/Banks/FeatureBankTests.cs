using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Tests.Banks;

public class FeatureBankTests
{
    [Fact]
    public void RefusesLatitudeOutOfRangeNamingTheEntry()
    {
        var e = Assert.Throws<RangeFormatException>(() =>
            new FeatureBank([0, 10], [0, 91], new float[2], 1, new float[2], 1, "my-bank"));
        Assert.Equal("my-bank", e.Source);
        Assert.Contains("entry 1", e.Message);
        Assert.Contains("latitude", e.Message);
    }

    [Fact]
    public void RefusesLongitudeOutOfRangeAndNonFiniteValues()
    {
        Assert.Contains("longitude", Assert.Throws<RangeFormatException>(() =>
            new FeatureBank([180.5], [0], new float[1], 1, new float[1], 1)).Message);
        Assert.Contains("entry 0", Assert.Throws<RangeFormatException>(() =>
            new FeatureBank([double.NaN], [0], new float[1], 1, new float[1], 1)).Message);
        var e = Assert.Throws<RangeFormatException>(() =>
            new FeatureBank([0, 0], [0, 0], [0, 0, 0, float.PositiveInfinity], 2, new float[2], 1));
        Assert.Contains("entry 1: key component 1", e.Message);
    }

    [Fact]
    public void RefusesInconsistentLengths()
    {
        Assert.Throws<RangeFormatException>(() => new FeatureBank([0, 0], [0], new float[2], 1, new float[2], 1));
        Assert.Throws<RangeFormatException>(() => new FeatureBank([0], [0], new float[3], 2, new float[1], 1));
        Assert.Throws<RangeFormatException>(() => new FeatureBank([], [], [], 1, [], 1));
    }

    [Fact]
    public void ChecksumDependsOnContentOnly()
    {
        var a = BankSamples.Make(10);
        var b = new FeatureBank((double[])a.Lon.Clone(), (double[])a.Lat.Clone(), (float[])a.Keys.Clone(), a.KeyDim,
            (float[])a.Values.Clone(), a.ValueDim, "elsewhere", DateTimeOffset.UnixEpoch);
        Assert.Equal(a.Info.Sha256, b.Info.Sha256);
        Assert.Matches("^[0-9a-f]{64}$", a.Info.Sha256);
        b.Values[0] += 1;
        Assert.NotEqual(a.Info.Sha256, FeatureBank.ComputeSha256(b.Lon, b.Lat, b.Keys, b.KeyDim, b.Values, b.ValueDim));
    }

    [Fact]
    public void TakeCopiesTheChosenEntriesInOrder()
    {
        var bank = BankSamples.Make(10);
        var taken = bank.Take([7, 2, 7]);
        Assert.Equal(3, taken.Count);
        Assert.Equal(bank.Lon[7], taken.Lon[0]);
        Assert.Equal(bank.Lat[2], taken.Lat[1]);
        Assert.Equal(bank.Key(7).ToArray(), taken.Key(2).ToArray());
        Assert.Equal(bank.Value(2).ToArray(), taken.Value(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => bank.Take([10]));
    }

    [Fact]
    public void SubsampleIsReproducibleDistinctAndOrdered()
    {
        var bank = BankSamples.Make(100);
        var a = bank.Subsample(10, seed: 42);
        var b = bank.Subsample(10, seed: 42);
        BankSamples.AssertSameContent(a, b);
        var positions = a.Lon.Select(x => Array.IndexOf(bank.Lon, x)).ToArray();
        Assert.Equal(10, positions.Distinct().Count());
        Assert.Equal(positions.Order(), positions);
        Assert.NotEqual(a.Info.Sha256, bank.Subsample(10, seed: 43).Info.Sha256);
    }
}
