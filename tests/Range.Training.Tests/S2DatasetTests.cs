using RangeOrleans.Core.Formats;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Training.Tests;

public sealed class S2DatasetTests
{
    private static string S2Dir => TestData.Data("s2_examples");

    [Fact]
    public void ReaderDecodesPatch445AsGdalDoes()
    {
        var image = GeoTiffReader.Read(Path.Combine(S2Dir, "patch_445.tif"));
        Assert.Equal((256, 256, 12), (image.Width, image.Height, image.Bands));
        double sum = 0;
        int min = int.MaxValue, max = 0;
        for (int y = 0; y < 256; y++)
        {
            for (int x = 0; x < 256; x++)
            {
                int v = image.At(x, y, 0);
                sum += v;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        Assert.Equal(1780.095, sum / (256 * 256), 3);
        Assert.Equal((1186, 3105), (min, max));
    }

    [Fact]
    public void DatasetReadsTheTwentyIndexedTilesAtAnyDividingSize()
    {
        var s2 = new S2Dataset(S2Dir);
        Assert.Equal(20, s2.Count);
        Assert.Equal(12, s2.Channels);
        Assert.True(s2.SupportsTileSize(32));
        Assert.False(s2.SupportsTileSize(30));
        var tile = new float[12 * 32 * 32];
        for (int i = 0; i < s2.Count; i++)
        {
            s2.ReadTile(i, 32, tile);
            Assert.All(tile, v => Assert.InRange(v, 0f, 6.6f)); // uint16 / 10000
            Assert.True(tile.Average() > 0.001, $"tile {i} is empty");
            Assert.InRange(s2.Lat(i), -90, 90);
        }
    }

    [Fact]
    public void SmallFilesAreSkippedAndBrokenTiffIsRangeFormatException()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("images"));
        File.Copy(Path.Combine(S2Dir, "patch_445.tif"), Path.Combine(dir.Path, "images", "a.tif"));
        File.WriteAllBytes(Path.Combine(dir.Path, "images", "empty.tif"), new byte[2000]);
        var broken = File.ReadAllBytes(Path.Combine(S2Dir, "patch_445.tif"));
        Array.Clear(broken, 0, 64);
        File.WriteAllBytes(Path.Combine(dir.Path, "images", "broken.tif"), broken);
        File.WriteAllText(dir.File("index.csv"), "fn,lon,lat\na.tif,1,2\nempty.tif,3,4\nbroken.tif,5,6\nmissing.tif,7,8\n");
        var s2 = new S2Dataset(dir.Path);
        Assert.Equal(2, s2.Count);
        Assert.Equal(2, s2.Skipped);
        Assert.Equal((1.0, 2.0), (s2.Lon(0), s2.Lat(0)));
        var ex = Assert.Throws<RangeFormatException>(() => s2.ReadTile(1, 16, new float[12 * 16 * 16]));
        Assert.Contains("broken.tif", ex.Message);
    }

    [Fact]
    public void IndexWithoutLatColumnIsRangeFormatException()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("index.csv"), "fn,lon\na.tif,1\n");
        Assert.Contains("'lat'", Assert.Throws<RangeFormatException>(() => new S2Dataset(dir.Path)).Message);
    }
}
