namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// A Python set or frozenset. Pickles of training state occasionally contain them; we keep the
/// elements in pickle order and do not deduplicate (nothing here needs set semantics).
/// </summary>
public sealed class PySet
{
    public PySet(bool frozen) => Frozen = frozen;

    public bool Frozen { get; }

    public List<object?> Items { get; } = [];
}
