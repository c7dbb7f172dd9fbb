namespace RangeOrleans.Cli.View;

/// <summary>One place's similarity layer: the map point compared with, the similarities' range, the overlay and its colour bar (PNGs).</summary>
internal sealed record SimilarityLayer(int Row, double Lon, double Lat, float Min, float Max, byte[] Overlay, byte[] Key);
