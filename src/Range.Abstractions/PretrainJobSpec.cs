namespace RangeOrleans.Abstractions;

/// <summary>
/// A SatCLIP pretraining job: the settings <c>range pretrain</c> takes. <see cref="Data"/> is earth, earth-land or
/// s2:DIR (DIR absolute, readable by every silo), sampled by <see cref="Entries"/> and <see cref="Seed"/>;
/// the other model settings are the defaults of the training library.
/// </summary>
[GenerateSerializer, Immutable, Alias("range.PretrainJobSpec")]
public sealed record PretrainJobSpec
{
    [Id(0)] public required string Data { get; init; }
    [Id(1)] public int? Entries { get; init; }
    [Id(2)] public required int Epochs { get; init; }
    [Id(3)] public required int BatchSize { get; init; }
    [Id(4)] public int Seed { get; init; }
    [Id(5)] public required double LearningRate { get; init; }

    /// <summary>Tile side in pixels fed to the image encoder.</summary>
    [Id(6)] public required int TileSize { get; init; }

    [Id(7)] public required int LegendrePolys { get; init; }

    /// <summary>Where last.ckpt and its epoch-N.optim go: an absolute local folder or az://CONTAINER/PREFIX.</summary>
    [Id(8)] public required string Destination { get; init; }

    /// <summary>Replace what DEST holds when it is a model of other settings (else such a DEST is refused and left as it is).</summary>
    [Id(9)] public bool Overwrite { get; init; }

    /// <summary>
    /// A ResNet state dict in torchvision naming (absolute path, readable by every silo) to freeze as the image tower, training only
    /// its fc with the location encoder (SatCLIP's MoCo mode); "random" freezes the small ResNet at the seed's initialisation (what
    /// the CLI submits by default); null trains the small ResNet jointly from scratch.
    /// </summary>
    [Id(10)] public string? VisionBackbone { get; init; }
}
