using System.Collections;

namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// An immutable Python tuple. Kept distinct from lists because tuples can be dict keys and because
/// torch encodes sizes, strides and persistent ids as tuples.
/// </summary>
public sealed class PyTuple : IReadOnlyList<object?>
{
    public static readonly PyTuple Empty = new([]);

    private readonly object?[] _items;

    public PyTuple(params object?[] items) => _items = items;

    public int Count => _items.Length;

    public object? this[int index] => _items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public override string ToString() => $"tuple[{_items.Length}]";
}
