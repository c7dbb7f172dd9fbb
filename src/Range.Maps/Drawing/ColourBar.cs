namespace RangeOrleans.Maps.Drawing;

/// <summary>A horizontal colour bar under the maps: the colour of values from <see cref="Min"/> to <see cref="Max"/>, labelled.</summary>
public sealed record ColourBar(string Label, double Min, double Max, Func<double, (byte R, byte G, byte B)> Colour);
