namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>How embedding vectors are stored in an output file.</summary>
public enum EmbeddingPrecision
{
    /// <summary>fixed_size_list&lt;float32&gt;: exact for the values computed in float32.</summary>
    Float32,

    /// <summary>fixed_size_list&lt;halffloat&gt;: half the size, ~3 significant digits.</summary>
    Float16,
}
