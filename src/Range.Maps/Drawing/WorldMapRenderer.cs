using SkiaSharp;

namespace RangeOrleans.Maps.Drawing;

/// <summary>
/// Draws panels of coloured points on equirectangular (plate carree) world maps: x = lon -180..180,
/// y = lat 90..-90, one panel width x width/2 each, in a grid of up to two columns, with a title above,
/// a caption per panel, optional outlines (coastlines, as lon/lat rings) on top and a legend line below.
/// Each point fills its grid cell (the median spacing of the distinct longitudes and latitudes).
/// </summary>
public static class WorldMapRenderer
{
    private const int TitleHeight = 40;
    private const int CaptionHeight = 26;
    private const int LegendHeight = 34;
    private const int Margin = 8;

    public static void WritePng(string path, IReadOnlyList<MapPanel> panels, int panelWidth, string title, string legend,
        IReadOnlyList<(double Lon, double Lat)[]>? outlines = null)
    {
        if (panels.Count == 0) throw new ArgumentException("nothing to draw");
        if (panelWidth < 64 || panelWidth > 16384) throw new ArgumentException($"--width must be in 64..16384 pixels, got {panelWidth}");
        int columns = panels.Count == 1 ? 1 : 2;
        int rows = (panels.Count + columns - 1) / columns;
        int panelHeight = panelWidth / 2;
        int width = columns * panelWidth + (columns + 1) * Margin;
        int height = TitleHeight + rows * (CaptionHeight + panelHeight + Margin) + LegendHeight;

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = new SKFont(Typefaces.Sans, 20);
        using var textFont = new SKFont(Typefaces.Sans, 14);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, Margin, 27, SKTextAlign.Left, titleFont, text);

        for (int p = 0; p < panels.Count; p++)
        {
            float left = Margin + (p % columns) * (panelWidth + Margin);
            float top = TitleHeight + (p / columns) * (CaptionHeight + panelHeight + Margin);
            canvas.DrawText(panels[p].Caption, left, top + 18, SKTextAlign.Left, textFont, text);
            DrawPanel(canvas, panels[p], new SKRect(left, top + CaptionHeight, left + panelWidth, top + CaptionHeight + panelHeight), outlines);
        }
        canvas.DrawText(legend, Margin, height - 12, SKTextAlign.Left, textFont, text);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var pending = new Core.Formats.PendingFile(path);
        png.SaveTo(pending.Stream);
        pending.Commit();
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
            using var line = new SKPaint { Color = SKColors.Black, StrokeWidth = Math.Max(1f, area.Width / 1400f), Style = SKPaintStyle.Stroke, IsAntialias = true };
            foreach (var ring in outlines)
            {
                for (int j = 1; j < ring.Length; j++)
                {
                    // Skip the segment where a ring crosses the date line instead of drawing it across the map.
                    if (Math.Abs(ring[j].Lon - ring[j - 1].Lon) > 180) continue;
                    canvas.DrawLine(
                        area.Left + (float)(ring[j - 1].Lon + 180) * sx, area.Top + (float)(90 - ring[j - 1].Lat) * sy,
                        area.Left + (float)(ring[j].Lon + 180) * sx, area.Top + (float)(90 - ring[j].Lat) * sy, line);
                }
            }
        }
        canvas.Restore();
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
