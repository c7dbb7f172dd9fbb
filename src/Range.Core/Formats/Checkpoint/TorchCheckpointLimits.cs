using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Formats.Checkpoint;

/// <summary>
/// Sanity bounds for reading a checkpoint, so that a corrupt or hostile file is refused with a
/// message instead of an out-of-memory crash. Defaults allow anything a managed array can hold.
/// </summary>
public sealed record TorchCheckpointLimits
{
    public static readonly TorchCheckpointLimits Default = new();

    /// <summary>Largest <c>data.pkl</c> accepted, in bytes (the pickle holds structure, not tensor data).</summary>
    public long MaxPickleBytes { get; init; } = 512L << 20;

    /// <summary>Most elements in one storage or one rebuilt tensor.</summary>
    public long MaxElements { get; init; } = Array.MaxLength;

    /// <summary>Bounds passed to the unpickler.</summary>
    public UnpicklerLimits Unpickler { get; init; } = UnpicklerLimits.Default;
}
