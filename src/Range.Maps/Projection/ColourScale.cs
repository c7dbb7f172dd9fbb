namespace RangeOrleans.Maps.Projection;

/// <summary>
/// Components to 8-bit RGB: each component is stretched between its 1st and 99th percentile (so a few
/// outliers do not wash the map out) and clamped; component 1 is red, 2 green, 3 blue.
/// </summary>
public static class ColourScale
{
    public static byte[] ToRgb(float[] components, int rows)
    {
        if (components.Length != rows * 3) throw new ArgumentException($"{components.Length} values are not {rows} x 3");
        var rgb = new byte[rows * 3];
        for (int c = 0; c < 3; c++)
        {
            var column = new float[rows];
            for (int i = 0; i < rows; i++) column[i] = components[i * 3 + c];
            Array.Sort(column);
            float lo = column[(int)(0.01 * (rows - 1))], hi = column[(int)(0.99 * (rows - 1))];
            float span = hi > lo ? hi - lo : 1;
            for (int i = 0; i < rows; i++)
                rgb[i * 3 + c] = (byte)Math.Clamp((int)Math.Round(255 * (components[i * 3 + c] - lo) / span), 0, 255);
        }
        return rgb;
    }
}
