using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// oneDNN 3.7.1, inside libtorch 2.10, computes wrong f32 convolutions on AVX2/AVX-512 CPUs when the channels a
/// kernel sums over are not a whole number of its blocks: backward-data when a convolution's outputs (a transposed
/// convolution's inputs) are not a multiple of 16, and the forward pass, with or without gradients, when a
/// convolution's inputs are more than one block (8 on AVX2, 16 on AVX-512) and not a multiple of it (17 on
/// AVX-512; 9 to 15 too on AVX2). Its kernels read a tail of memory nobody wrote (docs/training.md, "The
/// convolution gradient defect"). Padding those channels with zeros up to a whole block of 16 gives the same
/// numbers through kernels that are right.
/// </summary>
public static class ChannelBlocks
{
    /// <summary>oneDNN's channel block for f32 on AVX-512 (twice AVX2's 8, so right on both).</summary>
    public const long Size = 16;

    /// <summary>The channels to add to <paramref name="channels"/> to reach a whole number of blocks.</summary>
    public static long Padding(long channels) => (Size - channels % Size) % Size;

    /// <summary><paramref name="tensor"/> with <paramref name="extra"/> zero slices appended along <paramref name="dim"/> (autograd flows to the original).</summary>
    public static Tensor PadWithZeros(Tensor tensor, long dim, long extra)
    {
        if (extra == 0) return tensor.alias();
        var shape = (long[])tensor.shape.Clone();
        shape[dim] = extra;
        using var zeros = torch.zeros(shape, dtype: tensor.dtype, device: tensor.device);
        return cat([tensor, zeros], dim);
    }
}
