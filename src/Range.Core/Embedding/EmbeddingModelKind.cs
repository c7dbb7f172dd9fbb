namespace RangeOrleans.Core.Embedding;

/// <summary>What an embedding is made of.</summary>
public enum EmbeddingModelKind
{
    /// <summary>SatCLIP location embedding (256-d for the published models).</summary>
    SatClip,

    /// <summary>RANGE: concat(softmax(tau q K^T) V, q).</summary>
    Range,

    /// <summary>RANGE+: semantic and spatial weights mixed by beta, then one product with V.</summary>
    RangePlus,

    /// <summary>The raw spherical-harmonic features the SatCLIP encoder starts from.</summary>
    SphericalHarmonics,
}

public static class EmbeddingModelNames
{
    public const string SatClip = "satclip";
    public const string Range = "range";
    public const string RangePlus = "range+";
    public const string SphericalHarmonics = "sh";

    public static readonly string[] All = [SatClip, Range, RangePlus, SphericalHarmonics];

    public static EmbeddingModelKind Parse(string name) => name.ToLowerInvariant() switch
    {
        SatClip => EmbeddingModelKind.SatClip,
        Range => EmbeddingModelKind.Range,
        RangePlus or "range_plus" or "rangeplus" => EmbeddingModelKind.RangePlus,
        SphericalHarmonics => EmbeddingModelKind.SphericalHarmonics,
        _ => throw new ArgumentException($"unknown model '{name}' (expected one of: {string.Join(", ", All)})"),
    };

    public static string Name(this EmbeddingModelKind kind) => kind switch
    {
        EmbeddingModelKind.SatClip => SatClip,
        EmbeddingModelKind.Range => Range,
        EmbeddingModelKind.RangePlus => RangePlus,
        _ => SphericalHarmonics,
    };

    public static bool NeedsBank(this EmbeddingModelKind kind) => kind is EmbeddingModelKind.Range or EmbeddingModelKind.RangePlus;
}
