using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>
/// Checks that stop a training loop before a non-finite value reaches an optimiser step or a checkpoint: a NaN loss
/// back-propagated once makes every weight NaN, and a checkpoint written after that loads without complaint.
/// </summary>
public static class FiniteGuard
{
    /// <summary>The loss's value; throws when it is NaN or infinite (before backward, so the weights stay as they were).</summary>
    public static float Loss(Tensor loss, string model, int epoch, int batch)
    {
        float value = loss.item<float>();
        if (!float.IsFinite(value))
            throw new TrainingDivergedException(model, FormattableString.Invariant($"loss is {value} at epoch {epoch + 1}, batch {batch + 1}"));
        return value;
    }

    /// <summary>Throws naming the first parameter with a NaN or infinite value (checked before any checkpoint is written).</summary>
    public static void Parameters(nn.Module module, string model, int epoch)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            using var scope = NewDisposeScope();
            if (!isfinite(parameter).all().item<bool>())
                throw new TrainingDivergedException(model, $"parameter '{name}' holds a non-finite value after epoch {epoch + 1}");
        }
    }
}
