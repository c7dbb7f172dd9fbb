namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>The spelling of an <see cref="EmbeddingPrecision"/> in options, job specs and manifests: "float32" or "float16".</summary>
public static class EmbeddingPrecisionName
{
    /// <summary>"float16" is <see cref="EmbeddingPrecision.Float16"/>; anything else (checked where it is read) is float32.</summary>
    public static EmbeddingPrecision Parse(string? name) => name == "float16" ? EmbeddingPrecision.Float16 : EmbeddingPrecision.Float32;
}
