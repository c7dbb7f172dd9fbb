namespace RangeOrleans.Abstractions;

/// <summary>What a job does, and so which grain runs it. Stored as a number in the registry: append only.</summary>
public enum JobKind
{
    /// <summary>Embeddings of points, tile shards and a manifest (<see cref="IJobCoordinatorGrain"/>). Registry entries from before kinds were recorded are map jobs.</summary>
    Map,

    /// <summary>A RANGE feature bank (<see cref="IBankJobGrain"/>).</summary>
    Bank,

    /// <summary>SatCLIP pretraining (<see cref="IPretrainJobGrain"/>).</summary>
    Pretrain,
}
