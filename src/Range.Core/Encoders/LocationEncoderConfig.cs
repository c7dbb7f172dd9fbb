namespace RangeOrleans.Core.Encoders;

/// <summary>
/// The architecture of a SatCLIP location encoder (spherical harmonics + SIREN), as stored in a
/// checkpoint's <c>hyper_parameters</c>.
/// </summary>
public sealed record LocationEncoderConfig(
    int LegendrePolys,
    int Capacity,
    int NumHiddenLayers,
    int EmbedDim,
    HarmonicsEvaluation Harmonics = HarmonicsEvaluation.Compat)
{
    public int InputDim => LegendrePolys * LegendrePolys;
}
