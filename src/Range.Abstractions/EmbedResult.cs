namespace RangeOrleans.Abstractions;

/// <summary>The embeddings of an <see cref="EmbedRequest"/>, row-major (one row of <see cref="Dimension"/> per point), and what computed them.</summary>
[GenerateSerializer, Immutable, Alias("range.EmbedResult")]
public sealed record EmbedResult
{
    /// <summary>The embedder's model name (as range.model in Arrow files).</summary>
    [Id(0)] public required string Model { get; init; }
    [Id(1)] public required int Dimension { get; init; }

    /// <summary>SHA-256 of the checkpoint's content, as the job manifest names it.</summary>
    [Id(2)] public required string CheckpointSha256 { get; init; }

    /// <summary>SHA-256 of the bank's content, or null without a bank.</summary>
    [Id(3)] public string? BankSha256 { get; init; }

    [Id(4)] public required float[] Embeddings { get; init; }
}
