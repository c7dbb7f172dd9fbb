using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Numpy;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Tests.Points;

public sealed class PointsReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Csv(string content)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, content);
        return path;
    }

    private RangeFormatException Refused(string content) =>
        Assert.Throws<RangeFormatException>(() => PointsReader.Read(Csv(content)));

    [Fact]
    public void ReadsFixtureCsvMatchingTheNpyPoints()
    {
        var points = PointsReader.Read(TestData.Fixture("satclip_l10/points.csv"));
        var npy = (double[])NpyReader.Read(TestData.Fixture("satclip_l10/points_lonlat.npy")).Data;
        Assert.Equal(400, points.Count);
        Assert.Equal(180.0, points.Lon[1]);
        Assert.Equal(-129.7715866098, points.Lon[399]); // last line of points.csv
        for (int i = 0; i < points.Count; i++)
        {
            // The CSV holds the same points printed with 10 decimals.
            Assert.Equal(npy[2 * i], points.Lon[i], 1e-9);
            Assert.Equal(npy[2 * i + 1], points.Lat[i], 1e-9);
        }
    }

    [Fact]
    public void FindsColumnsInAnyOrderAndCaseIgnoringOthersAndQuotes()
    {
        var points = PointsReader.Read(Csv("name,LAT,\"Lon\"\n\"a, b\",10.5,-20\nc,\"-90\",180\n\n"));
        Assert.Equal(new[] { -20.0, 180.0 }, points.Lon);
        Assert.Equal(new[] { 10.5, -90.0 }, points.Lat);
    }

    [Fact]
    public void RefusesLatitudeOutOfRangeNamingTheRow()
    {
        var e = Refused("lon,lat\n0,0\n\n1,95.5\n");
        Assert.Contains("row 2 (line 4)", e.Message);
        Assert.Contains("latitude 95.5 is outside [-90, 90]", e.Message);
        Assert.EndsWith(".csv", e.Source);
    }

    [Theory]
    [InlineData("lon,lat\n181,0\n", "row 1 (line 2): longitude 181 is outside [-180, 180]")]
    [InlineData("lon,lat\n0,0\n0,NaN\n", "row 2 (line 3): latitude NaN is not finite")]
    [InlineData("lon,lat\nInfinity,0\n", "row 1 (line 2): longitude")]
    [InlineData("lon,lat\n0,abc\n", "row 1 (line 2): latitude 'abc' is not a number")]
    [InlineData("lon,lat\n0,1,2\n", "row 1 (line 2): 3 fields, the header has 2")]
    [InlineData("lon,lat\n0\n", "row 1 (line 2): 1 fields")]
    [InlineData("lon,y\n0,1\n", "missing 'lat' column")]
    [InlineData("x,y\n0,1\n", "missing 'lon' column")]
    [InlineData("lon,lat\n", "no points")]
    [InlineData("lon,lat\n\n\n", "no points")]
    [InlineData("", "empty file")]
    [InlineData("lon,lat\n\"0,1\n", "unclosed quote")]
    [InlineData("lon,lat\n0;1,2\n", "longitude '0;1' is not a number")]
    public void RefusesBadInputWithOneLineMessages(string content, string expected)
    {
        var e = Refused(content);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("lon", "lat")]
    [InlineData("Longitude", "Latitude")]
    [InlineData("LNG", "lat")]
    [InlineData("long", "LATITUDE")]
    [InlineData("lng", "Latitude")]
    public void AcceptsEveryLongitudeAndLatitudeNameInAnyCase(string lonName, string latName)
    {
        var points = PointsReader.Read(Csv($"id,{latName},{lonName}\n1,10.5,-20\n"));
        Assert.Equal(new[] { -20.0 }, points.Lon);
        Assert.Equal(new[] { 10.5 }, points.Lat);

        var arrow = WriteArrow(fileFormat: true, float32: false, [-20], [10.5], lonName, latName);
        Assert.Equal(new[] { -20.0 }, PointsReader.Read(arrow).Lon);
    }

    [Theory]
    [InlineData("lon,longitude,lat", "2 longitude columns ('lon', 'longitude'): keep exactly one")]
    [InlineData("lng,lat,Latitude", "2 latitude columns ('lat', 'Latitude'): keep exactly one")]
    [InlineData("lon,LON,lat", "2 longitude columns ('lon', 'LON')")]
    public void RefusesAmbiguousCoordinateColumnsNamingThem(string header, string expected)
    {
        var e = Refused(header + "\n1,2,3\n");
        Assert.Contains(expected, e.Message);
        var arrow = WriteArrow(fileFormat: false, float32: false, [1], [2], "lon", "latitude", extra: header.Split(',')[1]);
        Assert.Contains("columns (", Assert.Throws<RangeFormatException>(() => PointsReader.Read(arrow)).Message);
    }

    [Fact]
    public void UsesInvariantCultureForNumbers()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var points = PointsReader.Read(Csv("lon,lat\n1.5,2.25\n"));
            Assert.Equal(1.5, points.Lon[0]);
        }
        finally { Thread.CurrentThread.CurrentCulture = previous; }
    }

    [Fact]
    public void ReadsCsvInChunks()
    {
        var text = "lon,lat\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"{i},{-i}\n"));
        var chunks = PointsReader.ReadChunks(Csv(text), chunkSize: 4).ToList();
        Assert.Equal(new[] { 4, 4, 2 }, chunks.Select(c => c.Count));
        Assert.Equal(9.0, chunks[2].Lon[1]);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void ReadsArrowFileAndStreamWithFloat64OrFloat32Columns(bool fileFormat, bool float32)
    {
        var path = WriteArrow(fileFormat, float32, [10, 20, -30], [1, 2, 3]);
        var points = PointsReader.Read(path);
        Assert.Equal(new[] { 10.0, 20.0, -30.0 }, points.Lon);
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, points.Lat);
    }

    [Fact]
    public void RefusesArrowLatitudeOutOfRangeNamingTheRow()
    {
        var path = WriteArrow(fileFormat: true, float32: false, [10, 20, -30], [1, -91, 3]);
        var e = Assert.Throws<RangeFormatException>(() => PointsReader.Read(path));
        Assert.Contains("row 2: latitude -91 is outside [-90, 90]", e.Message);
    }

    [Fact]
    public void RefusesArrowWithoutLatColumn()
    {
        var schema = new Schema([new Field("lon", DoubleType.Default, false)], null);
        var path = _dir.File("nolat.arrow");
        using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, schema))
        {
            writer.WriteRecordBatch(new RecordBatch(schema, [new DoubleArray.Builder().Append(1).Build()], 1));
            writer.WriteEnd();
        }
        Assert.Contains("missing 'lat' column", Assert.Throws<RangeFormatException>(() => PointsReader.Read(path)).Message);
    }

    [Fact]
    public void RefusesTruncatedArrowFile()
    {
        var good = WriteArrow(fileFormat: true, float32: false, [1], [2]);
        var bytes = File.ReadAllBytes(good);
        var path = _dir.File("cut.arrow");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 12)]);
        Assert.Equal(path, Assert.Throws<RangeFormatException>(() => PointsReader.Read(path)).Source);
    }

    private string WriteArrow(bool fileFormat, bool float32, double[] lon, double[] lat, string lonName = "lon", string latName = "lat", string? extra = null)
    {
        IArrowType type = float32 ? FloatType.Default : DoubleType.Default;
        // lat first: column order must not matter.
        var fields = new List<Field> { new(latName, type, false), new(lonName, type, false) };
        if (extra is not null) fields.Add(new Field(extra, type, false));
        var schema = new Schema(fields, null);
        IArrowArray Column(double[] v) => float32
            ? new FloatArray.Builder().AppendRange(v.Select(x => (float)x)).Build()
            : new DoubleArray.Builder().AppendRange(v).Build();
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".arrow");
        using var stream = File.Create(path);
        using ArrowStreamWriter writer = fileFormat ? new ArrowFileWriter(stream, schema) : new ArrowStreamWriter(stream, schema);
        writer.WriteRecordBatch(new RecordBatch(schema, extra is null ? [Column(lat), Column(lon)] : [Column(lat), Column(lon), Column(lon)], lon.Length));
        writer.WriteEnd();
        return path;
    }
}
