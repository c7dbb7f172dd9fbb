using RangeOrleans.Core.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>Copies between TorchSharp tensors and the checkpoint writer's <see cref="HostTensor"/>s, keeping the dtype.</summary>
public static class TensorConversion
{
    public static HostTensor ToHost(Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        long[] shape = cpu.shape;
        return cpu.dtype switch
        {
            ScalarType.Float64 => new HostTensor(TensorDType.Float64, shape, cpu.data<double>().ToArray()),
            ScalarType.Float32 => new HostTensor(TensorDType.Float32, shape, cpu.data<float>().ToArray()),
            ScalarType.Int64 => new HostTensor(TensorDType.Int64, shape, cpu.data<long>().ToArray()),
            ScalarType.Int32 => new HostTensor(TensorDType.Int32, shape, cpu.data<int>().ToArray()),
            var d => throw new NotSupportedException($"cannot store a {d} tensor in a checkpoint here"),
        };
    }

    /// <summary>Copies a stored tensor into a model tensor of the same shape (converting the dtype), naming the key when the shapes differ.</summary>
    public static void CopyInto(Tensor target, HostTensor source, string name, string file)
    {
        if (!target.shape.SequenceEqual(source.Shape))
            throw new RangeFormatException(file, $"'{name}' is {source.ShapeText} in the checkpoint, the model needs [{string.Join(", ", target.shape)}]");
        using var noGrad = no_grad();
        using var value = source.DType switch
        {
            TensorDType.Int64 => tensor((long[])source.Data, source.Shape),
            TensorDType.Float32 => tensor((float[])source.Data, source.Shape),
            _ => tensor(source.ToDoubleArray(), source.Shape),
        };
        target.copy_(value);
    }
}
