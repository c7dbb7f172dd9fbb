using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Grains.Jobs;

/// <summary>Turns a job's point-source description into the core tiling and generators.</summary>
public static class JobPoints
{
    public static GlobeTiling Tiling(JobSpec spec) => new(spec.ShardDegrees);

    /// <summary>The generator for grid and Fibonacci jobs; null for file inputs.</summary>
    public static IGeneratedPoints? Generated(PointSourceSpec points) => points.Kind switch
    {
        PointSourceKind.Grid => new GridPoints(
            points.GridDegrees ?? throw new ArgumentException("a grid job needs --grid DEG"),
            points.BoundingBox is null ? null : BoundingBox.Parse(points.BoundingBox)),
        PointSourceKind.Fibonacci => new FibonacciLattice(points.FibonacciCount ?? throw new ArgumentException("a Fibonacci job needs --fibonacci N")),
        _ => null,
    };

    /// <summary>Checks what can be checked without reading any file; ArgumentException naming the problem.</summary>
    public static void Validate(JobSpec spec)
    {
        Tiling(spec);
        if (spec.Points.Kind == PointSourceKind.Files && spec.Points.Inputs.Length == 0)
            throw new ArgumentException("--input: no point files given");
        if (spec.Points.Kind != PointSourceKind.Files) Generated(spec.Points);
        if (spec.Precision is not ("float32" or "float16"))
            throw new ArgumentException($"--precision '{spec.Precision}': expected float32 or float16");
        if (spec.BatchRows < 1) throw new ArgumentException($"batch rows must be at least 1, got {spec.BatchRows}");
        if (string.IsNullOrWhiteSpace(spec.Destination)) throw new ArgumentException("--out: no destination given");
        Core.Embedding.EmbeddingModelNames.Parse(spec.Model.Model);
    }
}
