using RangeOrleans.Core.Geometry;

namespace RangeOrleans.Evaluation.Encoders;

/// <summary>The paper's "Cartesian3D" baseline: the unit vector (x, y, z) of the point.</summary>
public sealed class Cartesian3dEmbedder : CoordinateEmbedder
{
    public override string Model => "cartesian3d";
    public override int Dimension => 3;

    protected override void EmbedOne(double lon, double lat, Span<float> row)
    {
        UnitVectors.FromLonLat(lon, lat, out var x, out var y, out var z);
        row[0] = (float)x;
        row[1] = (float)y;
        row[2] = (float)z;
    }
}
