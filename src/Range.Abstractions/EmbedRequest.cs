namespace RangeOrleans.Abstractions;

/// <summary>Points to embed at once with a model (the options of <c>range embed</c>); at most <see cref="MaxPoints"/>.</summary>
[GenerateSerializer, Immutable, Alias("range.EmbedRequest")]
public sealed record EmbedRequest
{
    /// <summary>
    /// The most points one request may carry: a grain message and an HTTP answer of at most about 10 MB of float32 at
    /// 256 dimensions. More points are a map job's work.
    /// </summary>
    public const int MaxPoints = 10_000;

    [Id(0)] public required ModelSpec Model { get; init; }
    [Id(1)] public required double[] Lon { get; init; }
    [Id(2)] public required double[] Lat { get; init; }
}
