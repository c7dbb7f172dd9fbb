namespace RangeOrleans.Training.Training;

/// <summary>
/// A training run produced a non-finite loss or weight. Deterministic for its data and settings, so a job fails at
/// once instead of retrying; nothing of the diverged epoch is written.
/// </summary>
public sealed class TrainingDivergedException(string model, string detail)
    : Exception($"{model} training diverged: {detail}; nothing of this epoch was written (try a lower learning rate)")
{
    public string Model { get; } = model;
}
