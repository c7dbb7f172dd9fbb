namespace RangeOrleans.Maps.Projection;

/// <summary>Viridis (matplotlib's perceptually uniform map, dark purple to yellow), sampled at 9 stops and interpolated.</summary>
public static class Colormap
{
    private static readonly (byte R, byte G, byte B)[] s_viridis =
    [
        (68, 1, 84), (72, 40, 120), (62, 73, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
    ];

    /// <summary>The colour of <paramref name="t"/> in [0, 1] (clamped).</summary>
    public static (byte R, byte G, byte B) Viridis(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        double x = t * (s_viridis.Length - 1);
        int i = Math.Min((int)x, s_viridis.Length - 2);
        double f = x - i;
        var (a, b) = (s_viridis[i], s_viridis[i + 1]);
        return ((byte)Math.Round(a.R + (b.R - a.R) * f), (byte)Math.Round(a.G + (b.G - a.G) * f), (byte)Math.Round(a.B + (b.B - a.B) * f));
    }

    /// <summary>Values to RGB (n x 3 bytes) on viridis between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static byte[] ToRgb(ReadOnlySpan<float> values, double min, double max)
    {
        var rgb = new byte[values.Length * 3];
        double span = max > min ? max - min : 1;
        for (int i = 0; i < values.Length; i++)
        {
            var (r, g, b) = Viridis((values[i] - min) / span);
            rgb[3 * i] = r;
            rgb[3 * i + 1] = g;
            rgb[3 * i + 2] = b;
        }
        return rgb;
    }
}
