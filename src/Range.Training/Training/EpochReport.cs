namespace RangeOrleans.Training.Training;

/// <summary>
/// One finished epoch: mean training and validation losses, and the validation loss an untrained
/// model would get (mean log of the validation batch sizes: chance for a contrastive loss).
/// </summary>
public sealed record EpochReport(int Epoch, int Epochs, double TrainLoss, double ValidationLoss, double ChanceLoss, long GlobalStep, TimeSpan Elapsed, string CheckpointPath)
{
    public override string ToString() => Describe(Epoch, Epochs, TrainLoss, ValidationLoss, ChanceLoss, GlobalStep, Elapsed);

    /// <summary>The line <c>range pretrain</c> prints for an epoch (<paramref name="epoch"/> 0-based).</summary>
    public static string Describe(int epoch, int epochs, double trainLoss, double validationLoss, double chanceLoss, long globalStep, TimeSpan elapsed) =>
        FormattableString.Invariant(
            $"epoch {epoch + 1}/{epochs}: train loss {trainLoss:F4}, val loss {validationLoss:F4} (untrained ~ {chanceLoss:F4}), step {globalStep}, {elapsed.TotalSeconds:F1} s");
}
