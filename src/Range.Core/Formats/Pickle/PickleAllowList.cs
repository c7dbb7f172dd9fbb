namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// The only Python globals a checkpoint pickle may name. Everything else (os.system, builtins.eval,
/// numpy reconstructors, arbitrary classes) is refused: a pickle's globals are code, and we never look
/// names up or run them, we only recognise these and build plain data for them.
/// </summary>
public static class PickleAllowList
{
    public const string OrderedDict = "collections.OrderedDict";
    public const string RebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
    public const string RebuildParameter = "torch._utils._rebuild_parameter";
    public const string AttributeDictFabric = "lightning.fabric.utilities.data.AttributeDict";
    public const string AttributeDictPl = "pytorch_lightning.utilities.parsing.AttributeDict";
    public const string TorchVersion = "torch.torch_version.TorchVersion";
    public const string CodecsEncode = "_codecs.encode";
    public const string TorchSize = "torch.Size";
    public const string BuiltinsSet = "builtins.set";
    public const string BuiltinsFrozenSet = "builtins.frozenset";

    // Legacy typed storage classes, as written in persistent ids by torch.save.
    private static readonly Dictionary<string, TensorDType> StorageClasses = new(StringComparer.Ordinal)
    {
        ["torch.DoubleStorage"] = TensorDType.Float64,
        ["torch.FloatStorage"] = TensorDType.Float32,
        ["torch.HalfStorage"] = TensorDType.Float16,
        ["torch.BFloat16Storage"] = TensorDType.BFloat16,
        ["torch.LongStorage"] = TensorDType.Int64,
        ["torch.IntStorage"] = TensorDType.Int32,
        ["torch.ShortStorage"] = TensorDType.Int16,
        ["torch.CharStorage"] = TensorDType.Int8,
        ["torch.ByteStorage"] = TensorDType.UInt8,
        ["torch.BoolStorage"] = TensorDType.Bool,
    };

    // dtype objects, which some writers put in the persistent id instead of a storage class.
    private static readonly Dictionary<string, TensorDType> DTypes = new(StringComparer.Ordinal)
    {
        ["torch.float64"] = TensorDType.Float64,
        ["torch.float32"] = TensorDType.Float32,
        ["torch.float16"] = TensorDType.Float16,
        ["torch.bfloat16"] = TensorDType.BFloat16,
        ["torch.int64"] = TensorDType.Int64,
        ["torch.int32"] = TensorDType.Int32,
        ["torch.int16"] = TensorDType.Int16,
        ["torch.int8"] = TensorDType.Int8,
        ["torch.uint8"] = TensorDType.UInt8,
        ["torch.bool"] = TensorDType.Bool,
    };

    private static readonly HashSet<string> Callables = new(StringComparer.Ordinal)
    {
        OrderedDict, RebuildTensorV2, RebuildParameter, AttributeDictFabric, AttributeDictPl,
        TorchVersion, CodecsEncode, TorchSize, BuiltinsSet, BuiltinsFrozenSet,
    };

    public static bool IsAllowed(string module, string name)
    {
        var full = module + "." + name;
        return Callables.Contains(full) || StorageClasses.ContainsKey(full) || DTypes.ContainsKey(full);
    }

    /// <summary>The element type named by a storage class or dtype global, if it is one.</summary>
    public static bool TryGetStorageDType(PyGlobal global, out TensorDType dtype) =>
        StorageClasses.TryGetValue(global.FullName, out dtype) || DTypes.TryGetValue(global.FullName, out dtype);

    /// <summary>The torch storage class name (as written in persistent ids) for an element type.</summary>
    public static string StorageClassName(TensorDType dtype) => dtype switch
    {
        TensorDType.Float64 => "DoubleStorage",
        TensorDType.Float32 => "FloatStorage",
        TensorDType.Float16 => "HalfStorage",
        TensorDType.BFloat16 => "BFloat16Storage",
        TensorDType.Int64 => "LongStorage",
        TensorDType.Int32 => "IntStorage",
        TensorDType.Int16 => "ShortStorage",
        TensorDType.Int8 => "CharStorage",
        TensorDType.UInt8 => "ByteStorage",
        TensorDType.Bool => "BoolStorage",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}
