namespace RangeOrleans.Core.Encoders;

/// <summary>
/// The architecture of a SatCLIP location encoder (spherical harmonics + SIREN), as stored in a
/// checkpoint's <c>hyper_parameters</c>. <see cref="UnitNorm"/>: the embedding is the SIREN output scaled to
/// unit length, as the contrastive loss sees it (the output's length is never trained, so it only adds
/// noise downstream); set by checkpoints this project trains (<c>range_embedding_norm: "l2"</c>), never by
/// the published ones, whose embeddings stay exactly the reference's.
/// </summary>
public sealed record LocationEncoderConfig(
    int LegendrePolys,
    int Capacity,
    int NumHiddenLayers,
    int EmbedDim,
    HarmonicsEvaluation Harmonics = HarmonicsEvaluation.Compat,
    bool UnitNorm = false)
{
    /// <summary>The hyper-parameter that records <see cref="UnitNorm"/>, and its one value.</summary>
    public const string NormKey = "range_embedding_norm";
    public const string L2Norm = "l2";

    public int InputDim => LegendrePolys * LegendrePolys;
}
