using System.Collections;

namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// A Python dict (or dict subclass such as OrderedDict or Lightning's AttributeDict), keeping
/// insertion order as Python does. Keys are Python values (string, long, tuple, ...), so lookups use
/// Python equality (<see cref="PyKeyComparer"/>). Pickles only add entries, so there is no removal.
/// </summary>
public sealed class PyDict : IEnumerable<KeyValuePair<object?, object?>>
{
    public const string PlainDict = "builtins.dict";

    private static readonly object NullKey = new();

    private readonly List<KeyValuePair<object?, object?>> _entries = [];
    private readonly Dictionary<object, int> _index = new(PyKeyComparer.Instance);

    public PyDict(string className = PlainDict) => ClassName = className;

    /// <summary>Fully qualified Python class, e.g. "collections.OrderedDict"; "builtins.dict" for a plain dict.</summary>
    public string ClassName { get; }

    /// <summary>Instance attributes set by a BUILD opcode (e.g. a state dict's <c>_metadata</c>), or null.</summary>
    public PyDict? Attributes { get; internal set; }

    public int Count => _entries.Count;

    public IEnumerable<object?> Keys => _entries.Select(e => e.Key);

    public IEnumerable<object?> Values => _entries.Select(e => e.Value);

    public object? this[object? key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"key '{key}' not in {ClassName}");
        set => Set(key, value);
    }

    public bool ContainsKey(object? key) => _index.ContainsKey(key ?? NullKey);

    public bool TryGetValue(object? key, out object? value)
    {
        if (_index.TryGetValue(key ?? NullKey, out int i))
        {
            value = _entries[i].Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Adds or replaces (keeping the original position, as Python does).</summary>
    public void Set(object? key, object? value)
    {
        var why = PyKeyComparer.Validate(key);
        if (why != null) throw new ArgumentException(why, nameof(key));
        var k = key ?? NullKey;
        if (_index.TryGetValue(k, out int i))
        {
            _entries[i] = new KeyValuePair<object?, object?>(_entries[i].Key, value);
        }
        else
        {
            _index.Add(k, _entries.Count);
            _entries.Add(new KeyValuePair<object?, object?>(key, value));
        }
    }

    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{ClassName}[{Count}]";
}
