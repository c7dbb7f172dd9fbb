using SkiaSharp;

namespace RangeOrleans.Maps.Drawing;

/// <summary>The shipped DejaVu Sans (the machines have no system fonts, and SkiaSharp draws no text without a typeface).</summary>
public static class Typefaces
{
    private static readonly Lazy<SKTypeface> s_sans = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fonts", "DejaVuSans.ttf");
        return SKTypeface.FromFile(path) ?? throw new FileNotFoundException($"font '{path}' is missing or unreadable (it ships with the build)");
    });

    public static SKTypeface Sans => s_sans.Value;
}
