using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>
/// TorchSharp's AdamW, with a step that holds each <see cref="Scalar"/> it hands libtorch until the call returns.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>AdamW.step</c> passes implicitly converted Scalars (ε, the betas, the step size) to native calls
/// with nothing keeping them reachable: a garbage collection during the call lets the finalizer free one while libtorch
/// reads it ("Unknown scalar type", "Expected false to be true" from <c>Scalar::toDouble</c>; dotnet/TorchSharp#1434).
/// The update and the state are TorchSharp's own, and so is the name: a saved state records its optimiser's type name,
/// so optimiser files written before (by TorchSharp's AdamW) and after load into either.
/// </remarks>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    public AdamW(IEnumerable<ParamGroup> groups, double lr) : base(groups, lr) { }

    public AdamW(IEnumerable<Parameter> parameters, double lr, double weightDecay) : base(parameters, lr, weight_decay: weightDecay) { }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, lr = options.LearningRate!.Value;
        if (options.amsgrad == true) throw new NotSupportedException("this AdamW does not implement amsgrad");
        using var decay = (1 - lr * options.weight_decay!.Value).ToScalar();
        using var keep1 = beta1.ToScalar();
        using var take1 = (1 - beta1).ToScalar();
        using var keep2 = beta2.ToScalar();
        using var take2 = (1 - beta2).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        using var one = 1.0.ToScalar(); // add_(Scalar) would make its own alpha of 1, unheld
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            if (options.maximize == true) grad = grad.neg();
            var state = (State)_state[param.Handle];
            state.step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1 - Math.Pow(beta2, state.step);

            param.mul_(decay);
            state.exp_avg.mul_(keep1).add_(grad, alpha: take1);
            state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, value: take2);
            using var correction2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-lr / biasCorrection1).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div_(correction2).add_(eps, one);
            param.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }, closure);
}
