namespace RangeOrleans.Evaluation.Encoders;

/// <summary>The paper's "Direct" baseline: (lon, lat) in degrees as they are.</summary>
public sealed class DirectEmbedder : CoordinateEmbedder
{
    public override string Model => "direct";
    public override int Dimension => 2;

    protected override void EmbedOne(double lon, double lat, Span<float> row)
    {
        row[0] = (float)lon;
        row[1] = (float)lat;
    }
}
