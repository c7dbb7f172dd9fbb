using System.Globalization;
using System.Text.Json;
using RangeOrleans.Cli.Commands;
using RangeOrleans.Cli.Export;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Maps.Drawing;
using RangeOrleans.Maps.Projection;

namespace RangeOrleans.Cli.View;

/// <summary>
/// What <c>range view</c> serves for one finished map: the map's rendering (PCA to RGB, as <c>range render</c>) as an
/// equirectangular overlay with its colour key, the coastlines as lines, a description, and on request the similarity
/// layer of one place (as <c>range similarity</c>), each a PNG drawn by <see cref="WorldMapRenderer"/>.
/// </summary>
internal sealed class MapView
{
    private const int KeyWidth = 400;

    /// <summary>Similarity layers kept (each two PNGs), so the overlay and key requests of a click find theirs drawn.</summary>
    private const int CachedLayers = 8;

    private readonly FinishedMap _map;
    private readonly EmbeddingColumns _data;
    private readonly int _overlayWidth;
    private readonly LinkedList<SimilarityLayer> _layers = new();

    private MapView(FinishedMap map, EmbeddingColumns data)
    {
        _map = map;
        _data = data;
        // About two pixels per cell (the browser enlarges further with sharp edges), within 1024..4096.
        double step = map.Grid?.Degrees ?? WorldMapRenderer.MedianStep(data.Lon);
        _overlayWidth = (int)Math.Clamp(Math.Ceiling(2 * 360 / step), 1024, 4096) / 2 * 2;
        var components = EmbeddingProjection.Project(data.Embeddings, data.Count, data.Dimension, ProjectionMethod.Pca);
        EmbeddingOverlay = WorldMapRenderer.OverlayPng(new MapPanel("", data.Lon, data.Lat, ColourScale.ToRgb(components, data.Count)), _overlayWidth);
        EmbeddingKey = WorldMapRenderer.ColourBarsPng(ColourBar.RgbComponents("PCA"), KeyWidth);
        Coastlines = JsonSerializer.SerializeToUtf8Bytes(Maps.Drawing.Coastlines.Lines(Maps.Drawing.Coastlines.Load())
            .Select(line => line.Select(p => new[] { Math.Round(p.Lat, 3), Math.Round(p.Lon, 3) }).ToArray()));
        string model = data.Metadata.TryGetValue("range.model", out var m) ? m : map.Manifest.ModelKind;
        Description = JsonSerializer.SerializeToUtf8Bytes(new
        {
            title = $"{model} location embeddings (PCA)",
            destination = map.Destination,
            jobId = map.Manifest.JobId,
            model,
            dimension = data.Dimension,
            points = data.Count,
            kind = map.Kind,
            gridDegrees = map.Grid?.Degrees,
            bbox = map.Grid is { } g ? new[] { g.Box.West, g.Box.South, g.Box.East, g.Box.North } : null,
            legend = $"colour = PCA components 1, 2, 3 of the {data.Dimension}-d embedding as red, green, blue (1st-99th percentile stretch); {data.Count:N0} points; coastlines: Natural Earth",
        });
    }

    /// <summary>Reads the whole map (every shard) and draws its rendering.</summary>
    public static MapView Load(FinishedMap map) => new(map, map.ReadAll());

    public byte[] EmbeddingOverlay { get; }

    public byte[] EmbeddingKey { get; }

    /// <summary>JSON: the coastlines as an array of lines, each an array of [lat, lon] (Leaflet's order).</summary>
    public byte[] Coastlines { get; }

    /// <summary>JSON: what the map is (model, dimension, points, grid, box) and how its colours read.</summary>
    public byte[] Description { get; }

    public int Rows => _data.Count;

    /// <summary>The row a click at (lon, lat) compares with: the nearest map point; an ArgumentException outside the map.</summary>
    public int RowAt(double lon, double lat)
    {
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"({lon}, {lat}) is outside [-180, 180] x [-90, 90]"));
        if (!_map.Covers(lon, lat))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"({lon:0.###}, {lat:0.###}) is outside the map's cells (its --bbox {_map.Grid!.Box})"));
        return CosineSimilarity.NearestRow(_data, lon, lat);
    }

    /// <summary>The similarity of every place to row <paramref name="row"/>'s, drawn (one of the last few, or drawn now).</summary>
    public SimilarityLayer Similarity(int row)
    {
        lock (_layers)
        {
            foreach (var cached in _layers)
                if (cached.Row == row) return cached;
        }
        var similarity = CosineSimilarity.ToRow(_data, row);
        float min = similarity.Min(), max = similarity.Max();
        var layer = new SimilarityLayer(row, _data.Lon[row], _data.Lat[row], min, max,
            WorldMapRenderer.OverlayPng(new MapPanel("", _data.Lon, _data.Lat, Colormap.ToRgb(similarity, min, max)), _overlayWidth),
            WorldMapRenderer.ColourBarsPng([SimilarityCommand.SimilarityBar(min, max)], KeyWidth));
        lock (_layers)
        {
            _layers.AddFirst(layer);
            while (_layers.Count > CachedLayers) _layers.RemoveLast();
        }
        return layer;
    }
}
