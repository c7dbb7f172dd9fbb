using SkiaSharp;

namespace RangeOrleans.Maps.Drawing;

/// <summary>
/// Draws panels of coloured points on equirectangular (plate carree) world maps: x = lon -180..180,
/// y = lat 90..-90, one panel width x width/2 each, in a grid of up to two columns, with a title above,
/// a caption per panel, optional outlines (coastlines, as lon/lat rings, see <see cref="Coastlines"/>) on top and a legend line below.
/// Each point fills its grid cell (the median spacing of the distinct longitudes and latitudes).
/// </summary>
public static class WorldMapRenderer
{
    private const int TitleHeight = 40;
    private const int CaptionHeight = 26;
    private const int LegendHeight = 34;
    private const int LegendLineHeight = 18;
    private const int Margin = 8;

    private const int BarHeight = 56;

    /// <param name="colourBar">Drawn under the maps, above the legend, when given.</param>
    /// <param name="markers">Points marked with a white ring on every panel (e.g. a similarity map's query point).</param>
    public static void WritePng(string path, IReadOnlyList<MapPanel> panels, int panelWidth, string title, string legend,
        IReadOnlyList<(double Lon, double Lat)[]>? outlines = null, ColourBar? colourBar = null, IReadOnlyList<(double Lon, double Lat)>? markers = null)
    {
        if (panels.Count == 0) throw new ArgumentException("nothing to draw");
        if (panelWidth < 64 || panelWidth > 16384) throw new ArgumentException($"--width must be in 64..16384 pixels, got {panelWidth}");
        int columns = panels.Count == 1 ? 1 : 2;
        int rows = (panels.Count + columns - 1) / columns;
        int panelHeight = panelWidth / 2;
        int width = columns * panelWidth + (columns + 1) * Margin;
        using var textFont = new SKFont(Typefaces.Sans, 14);
        var legendLines = Wrap(legend, textFont, width - 2 * Margin);
        int mapsBottom = TitleHeight + rows * (CaptionHeight + panelHeight + Margin);
        int height = mapsBottom + (colourBar is null ? 0 : BarHeight) + LegendHeight + (legendLines.Count - 1) * LegendLineHeight;

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = new SKFont(Typefaces.Sans, 20);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, Margin, 27, SKTextAlign.Left, titleFont, text);

        for (int p = 0; p < panels.Count; p++)
        {
            float left = Margin + (p % columns) * (panelWidth + Margin);
            float top = TitleHeight + (p / columns) * (CaptionHeight + panelHeight + Margin);
            canvas.DrawText(panels[p].Caption, left, top + 18, SKTextAlign.Left, textFont, text);
            var area = new SKRect(left, top + CaptionHeight, left + panelWidth, top + CaptionHeight + panelHeight);
            DrawPanel(canvas, panels[p], area, outlines);
            foreach (var (lon, lat) in markers ?? [])
            {
                float x = area.Left + (float)(lon + 180) * area.Width / 360f, y = area.Top + (float)(90 - lat) * area.Height / 180f;
                using var ring = new SKPaint { Color = SKColors.White, StrokeWidth = 2.5f, Style = SKPaintStyle.Stroke, IsAntialias = true };
                using var inner = new SKPaint { Color = SKColors.Black, StrokeWidth = 1f, Style = SKPaintStyle.Stroke, IsAntialias = true };
                canvas.DrawCircle(x, y, 7, ring);
                canvas.DrawCircle(x, y, 8.5f, inner);
            }
        }
        if (colourBar is not null) DrawColourBar(canvas, colourBar, new SKRect(Margin, mapsBottom + 4, Math.Min(width - Margin, Margin + 520), mapsBottom + 22), textFont, text);
        for (int i = 0; i < legendLines.Count; i++)
            canvas.DrawText(legendLines[i], Margin, height - 12 - (legendLines.Count - 1 - i) * LegendLineHeight, SKTextAlign.Left, textFont, text);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var pending = new Core.Formats.PendingFile(path);
        png.SaveTo(pending.Stream);
        pending.Commit();
    }

    private static void DrawColourBar(SKCanvas canvas, ColourBar bar, SKRect area, SKFont font, SKPaint text)
    {
        using var fill = new SKPaint { IsAntialias = false };
        for (int x = 0; x < (int)area.Width; x++)
        {
            var (r, g, b) = bar.Colour(x / Math.Max(1.0, area.Width - 1));
            fill.Color = new SKColor(r, g, b);
            canvas.DrawRect(area.Left + x, area.Top, 1, area.Height, fill);
        }
        using var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(area, frame);
        for (int k = 0; k <= 4; k++)
        {
            double value = bar.Min + (bar.Max - bar.Min) * k / 4;
            float x = area.Left + area.Width * k / 4;
            canvas.DrawLine(x, area.Bottom, x, area.Bottom + 4, frame);
            canvas.DrawText(value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), x, area.Bottom + 18,
                k == 0 ? SKTextAlign.Left : k == 4 ? SKTextAlign.Right : SKTextAlign.Center, font, text);
        }
        canvas.DrawText(bar.Label, area.Right + 10, area.Bottom - 3, SKTextAlign.Left, font, text);
    }

    private static void DrawPanel(SKCanvas canvas, MapPanel panel, SKRect area, IReadOnlyList<(double Lon, double Lat)[]>? outlines)
    {
        using var background = new SKPaint { Color = new SKColor(40, 40, 40) };
        canvas.DrawRect(area, background);
        float sx = area.Width / 360f, sy = area.Height / 180f;
        float cellW = Math.Max(1f, (float)MedianStep(panel.Lon) * sx), cellH = Math.Max(1f, (float)MedianStep(panel.Lat) * sy);
        canvas.Save();
        canvas.ClipRect(area);
        using var fill = new SKPaint { IsAntialias = false };
        for (int i = 0; i < panel.Lon.Length; i++)
        {
            fill.Color = new SKColor(panel.Rgb[i * 3], panel.Rgb[i * 3 + 1], panel.Rgb[i * 3 + 2]);
            float x = area.Left + (float)(panel.Lon[i] + 180) * sx, y = area.Top + (float)(90 - panel.Lat[i]) * sy;
            canvas.DrawRect(x - cellW / 2, y - cellH / 2, cellW, cellH, fill);
        }
        if (outlines is not null)
        {
            using var line = new SKPaint { Color = new SKColor(0, 0, 0, 220), StrokeWidth = Math.Max(1f, area.Width / 1400f), Style = SKPaintStyle.Stroke, IsAntialias = true };
            using var builder = new SKPathBuilder();
            foreach (var ring in outlines)
            {
                for (int j = 1; j < ring.Length; j++)
                {
                    if (!IsCoast(ring[j - 1], ring[j])) continue;
                    float x0 = area.Left + (float)(ring[j - 1].Lon + 180) * sx, y0 = area.Top + (float)(90 - ring[j - 1].Lat) * sy;
                    if (j == 1 || !IsCoast(ring[j - 2], ring[j - 1])) builder.MoveTo(x0, y0);
                    builder.LineTo(area.Left + (float)(ring[j].Lon + 180) * sx, area.Top + (float)(90 - ring[j].Lat) * sy);
                }
            }
            using var path = builder.Detach();
            canvas.DrawPath(path, line);
        }
        canvas.Restore();
    }

    /// <summary>Splits text at spaces into lines no wider than <paramref name="maxWidth"/> pixels (a word longer than that gets a line of its own).</summary>
    internal static List<string> Wrap(string text, SKFont font, float maxWidth)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(candidate) > maxWidth)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = candidate;
            }
        }
        lines.Add(line);
        return lines;
    }

    /// <summary>
    /// Whether a ring segment is a real boundary: not the jump where a ring crosses the date line (it
    /// would cross the whole map), nor the cuts polygons get along the map's edges (the antimeridian,
    /// Antarctica's closure along the south pole), which are no coast.
    /// </summary>
    internal static bool IsCoast((double Lon, double Lat) a, (double Lon, double Lat) b) =>
        Math.Abs(b.Lon - a.Lon) <= 180
        && !(Math.Abs(a.Lon) >= 179.999 && Math.Abs(b.Lon) >= 179.999)
        && !(Math.Abs(a.Lat) >= 89.999 && Math.Abs(b.Lat) >= 89.999);

    /// <summary>Median gap between sorted distinct values: the grid step of a regular grid (1 degree when there is no second value).</summary>
    public static double MedianStep(double[] values)
    {
        var distinct = values.Distinct().Order().ToArray();
        if (distinct.Length < 2) return 1;
        var gaps = new double[distinct.Length - 1];
        for (int i = 0; i < gaps.Length; i++) gaps[i] = distinct[i + 1] - distinct[i];
        Array.Sort(gaps);
        return gaps[gaps.Length / 2];
    }
}
