namespace RangeOrleans.Abstractions;

/// <summary>
/// One finished epoch of a pretrain job (0-based <see cref="Epoch"/>), counted once its checkpoint was stored:
/// mean train and validation loss, an untrained model's validation loss, and the attempt that trained it.
/// </summary>
[GenerateSerializer, Immutable, Alias("range.PretrainEpochReport")]
public sealed record PretrainEpochReport
{
    [Id(0)] public int Epoch { get; init; }
    [Id(1)] public int Epochs { get; init; }
    [Id(2)] public double TrainLoss { get; init; }
    [Id(3)] public double ValidationLoss { get; init; }
    [Id(4)] public double ChanceLoss { get; init; }
    [Id(5)] public long GlobalStep { get; init; }
    [Id(6)] public TimeSpan Elapsed { get; init; }
    [Id(7)] public int Attempt { get; init; }
}
