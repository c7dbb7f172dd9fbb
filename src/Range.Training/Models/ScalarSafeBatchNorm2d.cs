using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// <c>nn.BatchNorm2d</c> (ε 1e-5, momentum 0.1, affine, running statistics tracked), with torch's parameter and buffer names,
/// shapes and initialisation, so checkpoints are unchanged, whose training step counts the batch with a Scalar it holds
/// until libtorch returns. TorchSharp 0.107's BatchNorm counts with <c>num_batches_tracked.add_(1)</c>: two implicitly
/// converted Scalars that a garbage collection may free while libtorch reads them ("Unknown scalar type" in a CI run's
/// value-encoder training; dotnet/TorchSharp#1434, as <see cref="Training.AdamW"/>).
/// </summary>
public sealed class ScalarSafeBatchNorm2d : nn.Module<Tensor, Tensor>
{
    private const double Epsilon = 1e-5;
    private const double Momentum = 0.1;

    public ScalarSafeBatchNorm2d(long features) : base(nameof(ScalarSafeBatchNorm2d))
    {
        using var initial = nn.BatchNorm2d(features);
        register_parameter("weight", new Parameter(initial.weight!.detach().clone()));
        register_parameter("bias", new Parameter(initial.bias!.detach().clone()));
        register_buffer("running_mean", initial.running_mean!.detach().clone());
        register_buffer("running_var", initial.running_var!.detach().clone());
        register_buffer("num_batches_tracked", initial.num_batches_tracked!.detach().clone());
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"BatchNorm2d expects a 4D input (batch, channels, height, width), got {x.dim()}D");
        // Looked up by name on each use: Module.to(device or dtype) replaces registered tensors.
        if (training)
        {
            using var one = 1.ToScalar();
            get_buffer("num_batches_tracked")!.add_(one, one);
        }
        return nn.functional.batch_norm(x, get_buffer("running_mean"), get_buffer("running_var"), get_parameter("weight"), get_parameter("bias"),
            training, Momentum, Epsilon);
    }
}
