namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// Bounds that keep a hostile pickle from exhausting memory or time. The defaults are far above what
/// any real checkpoint's object graph needs (tensor data is not in the pickle) yet small enough that
/// a crafted file fails fast with a clear message.
/// </summary>
public sealed record UnpicklerLimits
{
    public static readonly UnpicklerLimits Default = new();

    /// <summary>Most values on the stack at once.</summary>
    public int MaxStackSize { get; init; } = 10_000_000;

    /// <summary>Most nested MARKs open at once (the pickle's container nesting).</summary>
    public int MaxMarkDepth { get; init; } = 10_000;

    /// <summary>Most memo entries.</summary>
    public int MaxMemoEntries { get; init; } = 10_000_000;

    /// <summary>Longest LONG1/LONG4/text integer, in bytes or digits.</summary>
    public int MaxIntegerBytes { get; init; } = 1_024;

    /// <summary>Longest newline-terminated argument of a text opcode.</summary>
    public int MaxLineLength { get; init; } = 1 << 20;

    /// <summary>Most dimensions of a rebuilt tensor.</summary>
    public int MaxTensorDims { get; init; } = 64;
}
