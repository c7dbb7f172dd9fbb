namespace RangeOrleans.Maps.Drawing;

/// <summary>One map to draw: points (degrees) with an RGB colour each (n x 3 bytes) and a caption.</summary>
public sealed record MapPanel(string Caption, double[] Lon, double[] Lat, byte[] Rgb);
