namespace RangeOrleans.Evaluation.Encoders;

/// <summary>The paper's "Wrap" baseline: (sin lon, cos lon, sin lat, cos lat), angles in radians.</summary>
public sealed class WrapEmbedder : CoordinateEmbedder
{
    public override string Model => "wrap";
    public override int Dimension => 4;

    protected override void EmbedOne(double lon, double lat, Span<float> row)
    {
        double l = lon * (Math.PI / 180), p = lat * (Math.PI / 180);
        row[0] = (float)Math.Sin(l);
        row[1] = (float)Math.Cos(l);
        row[2] = (float)Math.Sin(p);
        row[3] = (float)Math.Cos(p);
    }
}
