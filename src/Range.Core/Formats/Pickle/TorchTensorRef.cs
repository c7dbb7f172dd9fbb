namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// The arguments of <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)</c>: a
/// (possibly non-contiguous) view into a storage. Several tensors may share one storage.
/// </summary>
public sealed record TorchTensorRef(TorchStorageRef Storage, long StorageOffset, long[] Size, long[] Stride, bool RequiresGrad)
{
    public string ShapeText => "[" + string.Join(", ", Size) + "]";
}
