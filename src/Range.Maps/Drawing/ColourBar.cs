namespace RangeOrleans.Maps.Drawing;

/// <summary>
/// A horizontal colour bar under the maps: the colour of values from <see cref="Min"/> to <see cref="Max"/>, labelled;
/// ticked with values, or with <see cref="ShowsValues"/> false only "low" and "high" at its ends (for unitless scales).
/// </summary>
public sealed record ColourBar(string Label, double Min, double Max, Func<double, (byte R, byte G, byte B)> Colour)
{
    public bool ShowsValues { get; init; } = true;

    /// <summary>
    /// The key of an RGB map of three components (<see cref="Projection.ColourScale"/>): one black-to-red, -green and
    /// -blue bar for components 1, 2 and 3 of <paramref name="method"/> ("PCA", "ICA").
    /// </summary>
    public static IReadOnlyList<ColourBar> RgbComponents(string method) =>
    [
        new($"R = {method} component 1", 0, 1, t => (Level(t), 0, 0)) { ShowsValues = false },
        new($"G = {method} component 2", 0, 1, t => (0, Level(t), 0)) { ShowsValues = false },
        new($"B = {method} component 3", 0, 1, t => (0, 0, Level(t))) { ShowsValues = false },
    ];

    private static byte Level(double t) => (byte)Math.Round(255 * Math.Clamp(t, 0, 1));
}
