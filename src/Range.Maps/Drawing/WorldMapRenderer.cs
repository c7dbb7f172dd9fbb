using SkiaSharp;

namespace RangeOrleans.Maps.Drawing;

/// <summary>
/// Draws panels of coloured points on equirectangular (plate carree) world maps: x = lon -180..180,
/// y = lat 90..-90, one panel width x width/2 each, in a grid of up to two columns, with a title above,
/// a caption per panel, optional outlines (coastlines, as lon/lat rings, see <see cref="Coastlines"/>) on top, optional colour
/// bars and a legend line below. Each point fills its grid cell (the median spacing of the distinct longitudes and latitudes).
/// <see cref="OverlayPng"/> and <see cref="ColourBarsPng"/> draw the same map area and bars alone (range view's layers).
/// </summary>
public static class WorldMapRenderer
{
    private const int TitleHeight = 40;
    private const int CaptionHeight = 26;
    private const int LegendHeight = 34;
    private const int LegendLineHeight = 18;
    private const int Margin = 8;

    private const int BarHeight = 56;

    /// <param name="colourBars">Drawn side by side under the maps, above the legend, when given.</param>
    /// <param name="markers">Points marked with a white ring on every panel (e.g. a similarity map's query point).</param>
    public static void WritePng(string path, IReadOnlyList<MapPanel> panels, int panelWidth, string title, string legend,
        IReadOnlyList<(double Lon, double Lat)[]>? outlines = null, IReadOnlyList<ColourBar>? colourBars = null, IReadOnlyList<(double Lon, double Lat)>? markers = null)
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
        int height = mapsBottom + (colourBars is null or [] ? 0 : BarHeight) + LegendHeight + (legendLines.Count - 1) * LegendLineHeight;

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
            using var background = new SKPaint { Color = new SKColor(40, 40, 40) };
            canvas.DrawRect(area, background);
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
        if (colourBars is not null) DrawColourBars(canvas, colourBars, Margin, mapsBottom, width - 2 * Margin, textFont, text);
        for (int i = 0; i < legendLines.Count; i++)
            canvas.DrawText(legendLines[i], Margin, height - 12 - (legendLines.Count - 1 - i) * LegendLineHeight, SKTextAlign.Left, textFont, text);

        using var pending = new Core.Formats.PendingFile(path);
        Encode(surface, pending.Stream);
        pending.Commit();
    }

    /// <summary>
    /// The map area of one panel alone, <paramref name="width"/> x width/2 pixels (lon -180..180, lat 90..-90), transparent
    /// where it has no points: an image to lay over a web map on EPSG:4326 bounds.
    /// </summary>
    public static byte[] OverlayPng(MapPanel panel, int width)
    {
        if (width < 64 || width > 16384) throw new ArgumentException($"overlay width must be in 64..16384 pixels, got {width}");
        using var surface = SKSurface.Create(new SKImageInfo(width, width / 2, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.Transparent);
        DrawPanel(surface.Canvas, panel, new SKRect(0, 0, width, width / 2), outlines: null);
        return Encode(surface);
    }

    /// <summary>Colour bars alone on white, one under the other, each drawn as under the maps of <see cref="WritePng"/>.</summary>
    public static byte[] ColourBarsPng(IReadOnlyList<ColourBar> bars, int width)
    {
        const int row = BarHeight - 10;
        using var surface = SKSurface.Create(new SKImageInfo(width, row * bars.Count, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        using var font = new SKFont(Typefaces.Sans, 14);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (int i = 0; i < bars.Count; i++) DrawColourBars(surface.Canvas, [bars[i]], Margin, i * row, width - 2 * Margin, font, text);
        return Encode(surface);
    }

    private static byte[] Encode(SKSurface surface)
    {
        using var bytes = new MemoryStream();
        Encode(surface, bytes);
        return bytes.ToArray();
    }

    private static void Encode(SKSurface surface, Stream stream)
    {
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        png.SaveTo(stream);
    }

    /// <summary>The bars in equal slots across <paramref name="width"/>, each bar as wide as its slot leaves beside its label (40..520 pixels).</summary>
    private static void DrawColourBars(SKCanvas canvas, IReadOnlyList<ColourBar> bars, float left, float top, float width, SKFont font, SKPaint text)
    {
        float slot = width / Math.Max(1, bars.Count);
        for (int i = 0; i < bars.Count; i++)
        {
            float barWidth = Math.Clamp(slot - font.MeasureText(bars[i].Label) - 24, 40, 520);
            float x = left + i * slot;
            DrawColourBar(canvas, bars[i], new SKRect(x, top + 4, x + barWidth, top + 22), font, text);
        }
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
        if (!bar.ShowsValues)
        {
            canvas.DrawText("low", area.Left, area.Bottom + 18, SKTextAlign.Left, font, text);
            canvas.DrawText("high", area.Right, area.Bottom + 18, SKTextAlign.Right, font, text);
        }
        int intervals = area.Width >= 320 ? 4 : 2; // a narrow bar has room for three labels
        for (int k = 0; k <= intervals && bar.ShowsValues; k++)
        {
            double value = bar.Min + (bar.Max - bar.Min) * k / intervals;
            float x = area.Left + area.Width * k / intervals;
            canvas.DrawLine(x, area.Bottom, x, area.Bottom + 4, frame);
            canvas.DrawText(value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), x, area.Bottom + 18,
                k == 0 ? SKTextAlign.Left : k == intervals ? SKTextAlign.Right : SKTextAlign.Center, font, text);
        }
        canvas.DrawText(bar.Label, area.Right + 10, area.Bottom - 3, SKTextAlign.Left, font, text);
    }

    private static void DrawPanel(SKCanvas canvas, MapPanel panel, SKRect area, IReadOnlyList<(double Lon, double Lat)[]>? outlines)
    {
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
            foreach (var run in Coastlines.Lines(outlines))
            {
                builder.MoveTo(area.Left + (float)(run[0].Lon + 180) * sx, area.Top + (float)(90 - run[0].Lat) * sy);
                for (int j = 1; j < run.Length; j++) builder.LineTo(area.Left + (float)(run[j].Lon + 180) * sx, area.Top + (float)(90 - run[j].Lat) * sy);
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
