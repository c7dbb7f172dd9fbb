namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// A torch storage named by a persistent id <c>('storage', torch.XStorage, key, location, numel)</c>.
/// The bytes live outside the pickle (in a zip member <c>data/&lt;key&gt;</c>); the unpickler only records
/// where, and the checkpoint reader loads them.
/// </summary>
public sealed record TorchStorageRef(string Key, TensorDType DType, string Location, long ElementCount);
