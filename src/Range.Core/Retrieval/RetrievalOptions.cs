namespace RangeOrleans.Core.Retrieval;

/// <summary>
/// Settings of one retrieval: RANGE (semantic only) or RANGE+ (semantic and spatial, mixed by beta).
/// Defaults are the reference's: RANGE tau 15; RANGE+ tau 12, geo tau 40, beta 0.5.
/// </summary>
public sealed record RetrievalOptions
{
    public const double RangeTemperature = 15.0;
    public const double RangePlusTemperature = 12.0;
    public const double RangePlusGeoTemperature = 40.0;
    public const double RangePlusBeta = 0.5;

    /// <summary>True for RANGE+ (adds the spatial weighting).</summary>
    public bool Spatial { get; init; }

    public double SemanticTemperature { get; init; } = RangeTemperature;
    public double GeoTemperature { get; init; } = RangePlusGeoTemperature;

    /// <summary>RANGE+ mix: h = (1 - beta) w_geo V + beta w_sem V; beta = 0 is RANGE-HAVER.</summary>
    public double Beta { get; init; } = RangePlusBeta;

    public RetrievalSelection Selection { get; init; } = RetrievalSelection.Soft;

    /// <summary>k for <see cref="RetrievalSelection.TopK"/> (the paper uses 100).</summary>
    public int TopK { get; init; } = 100;

    /// <summary>
    /// Optional RANGE+ mask: entries farther than this angle (degrees) get no spatial weight. The paper
    /// describes it, the reference code does not apply it, so it is off by default. A query with no entry
    /// inside the angle falls back to its semantic weights.
    /// </summary>
    public double? AngularThresholdDegrees { get; init; }

    public static RetrievalOptions Range(double? temperature = null) =>
        new() { Spatial = false, SemanticTemperature = temperature ?? RangeTemperature };

    public static RetrievalOptions RangePlus(double? temperature = null, double? geoTemperature = null, double? beta = null) => new()
    {
        Spatial = true,
        SemanticTemperature = temperature ?? RangePlusTemperature,
        GeoTemperature = geoTemperature ?? RangePlusGeoTemperature,
        Beta = beta ?? RangePlusBeta,
    };

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(SemanticTemperature) || SemanticTemperature <= 0) throw new ArgumentException($"temperature must be a positive number, got {SemanticTemperature}");
        if (!double.IsFinite(GeoTemperature) || GeoTemperature <= 0) throw new ArgumentException($"geo temperature must be a positive number, got {GeoTemperature}");
        if (!(Beta >= 0 && Beta <= 1)) throw new ArgumentException($"beta must be in [0, 1], got {Beta}");
        if (TopK < 1) throw new ArgumentException($"top-k needs k >= 1, got {TopK}");
        if (AngularThresholdDegrees is { } a && !(a > 0 && a <= 180)) throw new ArgumentException($"angular threshold must be in (0, 180] degrees, got {a}");
    }
}
