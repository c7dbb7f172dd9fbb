namespace RangeOrleans.Training.Training;

/// <summary>
/// One finished epoch: mean training and validation losses, and the validation loss an untrained
/// model would get (mean log of the validation batch sizes: chance for a contrastive loss).
/// </summary>
public sealed record EpochReport(int Epoch, int Epochs, double TrainLoss, double ValidationLoss, double ChanceLoss, long GlobalStep, TimeSpan Elapsed, string CheckpointPath)
{
    public override string ToString() => FormattableString.Invariant(
        $"epoch {Epoch + 1}/{Epochs}: train loss {TrainLoss:F4}, val loss {ValidationLoss:F4} (untrained ~ {ChanceLoss:F4}), step {GlobalStep}, {Elapsed.TotalSeconds:F1} s");
}
