using RangeOrleans.Maps.Drawing;
using RangeOrleans.Maps.Projection;
using SkiaSharp;

namespace RangeOrleans.Maps.Tests;

public class MapRenderingTests
{
    private static float[] Stretched(int n, out int dim)
    {
        // 4-d points with variance 100, 9, 1, 0.01 along the axes: PCA's first component is axis 0.
        dim = 4;
        var random = new Random(1);
        var x = new float[n * dim];
        double[] scale = [10, 3, 1, 0.1];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < dim; j++) x[i * dim + j] = (float)(scale[j] * (random.NextDouble() * 2 - 1));
        return x;
    }

    [Fact]
    public void PcaFirstComponentFollowsTheLargestVariance()
    {
        var x = Stretched(500, out int dim);
        var c = EmbeddingProjection.Project(x, 500, dim, ProjectionMethod.Pca);
        double corr = Correlation(Enumerable.Range(0, 500).Select(i => (double)x[i * dim]).ToArray(), Enumerable.Range(0, 500).Select(i => (double)c[i * 3]).ToArray());
        Assert.True(Math.Abs(corr) > 0.999, $"correlation {corr}");
    }

    [Fact]
    public void IcaIsSeededAndGivesUncorrelatedComponents()
    {
        var x = Stretched(800, out int dim);
        var a = EmbeddingProjection.Project(x, 800, dim, ProjectionMethod.Ica, seed: 3);
        Assert.Equal(a, EmbeddingProjection.Project(x, 800, dim, ProjectionMethod.Ica, seed: 3));
        var c0 = Enumerable.Range(0, 800).Select(i => (double)a[i * 3]).ToArray();
        var c1 = Enumerable.Range(0, 800).Select(i => (double)a[i * 3 + 1]).ToArray();
        Assert.True(Math.Abs(Correlation(c0, c1)) < 0.05);
    }

    [Fact]
    public void RendererWritesAPngOfTheExpectedSize()
    {
        using var dir = new TempDir();
        var lon = new double[] { -170, 0, 170 };
        var lat = new double[] { 80, 0, -80 };
        var rgb = new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 };
        var panels = new[] { new MapPanel("a", lon, lat, rgb), new MapPanel("b", lon, lat, rgb) };
        WorldMapRenderer.WritePng(dir.File("m.png"), panels, 200, "title", "legend", [[(-10.0, 0.0), (10.0, 10.0)]]);
        using var bitmap = SKBitmap.Decode(dir.File("m.png"));
        Assert.Equal(2 * 200 + 3 * 8, bitmap.Width);
    }

    [Fact]
    public void AnOverlayIsTheBareMapAreaClearWhereThereAreNoPoints()
    {
        // One red 10-degree cell centred at (5, 5) on a 360 x 180 overlay: one pixel per degree.
        var png = WorldMapRenderer.OverlayPng(new MapPanel("", [5.0, 15.0], [5.0, 5.0], [255, 0, 0, 0, 0, 255]), 360);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((360, 180), (bitmap.Width, bitmap.Height));
        Assert.Equal(SKColors.Red, bitmap.GetPixel(180 + 5, 90 - 5));
        Assert.Equal(SKColors.Blue, bitmap.GetPixel(180 + 15, 90 - 5));
        Assert.Equal(0, bitmap.GetPixel(180 - 50, 90 + 40).Alpha);
    }

    [Fact]
    public void TheRgbKeyHasABarPerComponentFromBlackToItsColour()
    {
        var bars = ColourBar.RgbComponents("ICA");
        Assert.Equal(["R = ICA component 1", "G = ICA component 2", "B = ICA component 3"], bars.Select(b => b.Label));
        Assert.Equal([(0, 0, 0), (0, 0, 0), (0, 0, 0)], bars.Select(b => ((int)b.Colour(0).R, (int)b.Colour(0).G, (int)b.Colour(0).B)));
        Assert.Equal([(255, 0, 0), (0, 255, 0), (0, 0, 255)], bars.Select(b => ((int)b.Colour(1).R, (int)b.Colour(1).G, (int)b.Colour(1).B)));
        // Drawn one under the other: the first bar's right end is red, the third's blue.
        using var key = SKBitmap.Decode(WorldMapRenderer.ColourBarsPng(bars, 400));
        Assert.Equal(3 * 46, key.Height);
        Assert.True(key.GetPixel(8 + 150, 14).Red > 100 && key.GetPixel(8 + 150, 14).Blue < 50, $"{key.GetPixel(8 + 150, 14)}");
        Assert.True(key.GetPixel(8 + 150, 2 * 46 + 14).Blue > 100 && key.GetPixel(8 + 150, 2 * 46 + 14).Red < 50, $"{key.GetPixel(8 + 150, 2 * 46 + 14)}");
    }

    [Fact]
    public void ARenderWithTheRgbKeyIsTallerByTheBarRow()
    {
        using var dir = new TempDir();
        var panel = new MapPanel("a", [0.0, 2.0], [0.0, 0.0], [1, 2, 3, 4, 5, 6]);
        WorldMapRenderer.WritePng(dir.File("plain.png"), [panel], 1024, "t", "l");
        WorldMapRenderer.WritePng(dir.File("key.png"), [panel], 1024, "t", "l", colourBars: ColourBar.RgbComponents("PCA"));
        using var plain = SKBitmap.Decode(dir.File("plain.png"));
        using var keyed = SKBitmap.Decode(dir.File("key.png"));
        Assert.Equal(plain.Height + 56, keyed.Height);
    }

    [Fact]
    public void GridStepIsTheMedianGap() => Assert.Equal(2.0, WorldMapRenderer.MedianStep([-3, -1, 1, 3, 3, 9]));

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum();
        return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
    }
}

public class CoastlineTests
{
    [Fact]
    public void CoastlinesAreTheNaturalEarthLandRings()
    {
        var rings = Coastlines.Load();
        Assert.True(rings.Count > 1000, $"{rings.Count} rings");
        Assert.All(rings, r => Assert.True(r.Length >= 4));
        // Some ring passes close to the coast at Gibraltar.
        Assert.Contains(rings, r => r.Any(p => Math.Abs(p.Lon - -5.6) < 0.3 && Math.Abs(p.Lat - 36.0) < 0.3));
    }

    [Fact]
    public void CoastlinesAreDrawnOverTheMapAndTheOceanStaysClear()
    {
        using var dir = new TempDir();
        // A white 2-degree grid over the whole globe.
        var lon = new List<double>();
        var lat = new List<double>();
        for (int y = 0; y < 90; y++)
            for (int x = 0; x < 180; x++) { lon.Add(-179 + 2 * x); lat.Add(89 - 2 * y); }
        var rgb = Enumerable.Repeat((byte)255, lon.Count * 3).ToArray();
        WorldMapRenderer.WritePng(dir.File("m.png"), [new MapPanel("a", [.. lon], [.. lat], rgb)], 720, "t", "l", Coastlines.Load());
        using var bitmap = SKBitmap.Decode(dir.File("m.png"));
        // Panel origin: margin 8, title 40 + caption 26; 2 pixels per degree.
        int Dark(double lo, double la, int radius)
        {
            int cx = 8 + (int)((lo + 180) * 2), cy = 66 + (int)((90 - la) * 2), dark = 0;
            for (int dy = -radius; dy <= radius; dy++)
                for (int dx = -radius; dx <= radius; dx++)
                    if (bitmap.GetPixel(cx + dx, cy + dy).Red < 160) dark++;
            return dark;
        }
        Assert.True(Dark(-9.5, 38.7, 2) > 0, "no line at the coast of Portugal");     // Lisbon, on the Atlantic coast
        Assert.True(Dark(-80.2, 25.8, 2) > 0, "no line at the coast of Florida");     // Miami
        Assert.Equal(0, Dark(-30, 0, 4));                                             // mid-Atlantic
        Assert.Equal(0, Dark(20, 10, 4));                                             // inland Chad
        Assert.Equal(0, Dark(-179.5, 0, 3));                                          // no line along the antimeridian at sea
    }

    [Fact]
    public void CoastLinesNeverJumpAcrossTheMapAndKeepEveryCoastSegment()
    {
        var rings = Coastlines.Load();
        var lines = Coastlines.Lines(rings).ToList();
        Assert.All(lines, l => Assert.True(l.Length >= 2));
        Assert.All(lines, l => Assert.All(l.Zip(l.Skip(1)), s => Assert.True(Coastlines.IsCoast(s.First, s.Second))));
        int coastSegments = rings.Sum(r => r.Zip(r.Skip(1)).Count(s => Coastlines.IsCoast(s.First, s.Second)));
        Assert.Equal(coastSegments, lines.Sum(l => l.Length - 1));
    }

    [Fact]
    public void SegmentsAcrossTheDateLineOrAlongTheMapEdgeAreNotCoast()
    {
        Assert.True(Coastlines.IsCoast((10, 10), (11, 11)));
        Assert.False(Coastlines.IsCoast((179, 60), (-179, 60)));
        Assert.False(Coastlines.IsCoast((180, 65), (180, 66)));
        Assert.False(Coastlines.IsCoast((-170, -90), (-160, -90)));
    }
}

public class LegendTests
{
    [Fact]
    public void LongLegendsWrapAtSpacesToFitTheImage()
    {
        using var font = new SKFont(Typefaces.Sans, 14);
        var text = string.Join(" ", Enumerable.Repeat("coastlines: Natural Earth", 20));
        var lines = WorldMapRenderer.Wrap(text, font, 300);
        Assert.True(lines.Count > 3);
        Assert.All(lines, l => Assert.True(font.MeasureText(l) <= 300, l));
        Assert.Equal(text, string.Join(" ", lines));
    }

    [Fact]
    public void AWrappedLegendMakesTheImageTaller()
    {
        using var dir = new TempDir();
        var panel = new MapPanel("a", [0.0], [0.0], [1, 2, 3]);
        WorldMapRenderer.WritePng(dir.File("short.png"), [panel], 100, "t", "short");
        WorldMapRenderer.WritePng(dir.File("long.png"), [panel], 100, "t", string.Join(" ", Enumerable.Repeat("legend words", 30)));
        using var a = SKBitmap.Decode(dir.File("short.png"));
        using var b = SKBitmap.Decode(dir.File("long.png"));
        Assert.True(b.Height > a.Height);
    }
}
