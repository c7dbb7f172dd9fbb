using System.Numerics;

namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// Python-style equality for dict keys: numbers compare by value (1 == 1.0 == True), strings and
/// bytes by content, tuples element-wise, anything else (tensors, globals) by identity or record
/// equality. Lists, dicts and sets are unhashable in Python and are refused by <see cref="Validate"/>,
/// which also bounds tuple nesting so hashing can never recurse deeply on hostile input.
/// </summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public const int MaxKeyDepth = 64;

    public static readonly PyKeyComparer Instance = new();

    /// <summary>Returns null when the key is usable, otherwise why not.</summary>
    public static string? Validate(object? key, int depth = 0)
    {
        if (depth > MaxKeyDepth) return "dict key nested too deeply";
        switch (key)
        {
            case null or string or long or int or BigInteger or double or bool or byte[] or PyGlobal:
                return null;
            case PyTuple t:
                foreach (var item in t)
                {
                    var why = Validate(item, depth + 1);
                    if (why != null) return why;
                }
                return null;
            case List<object?> or PyDict or PySet:
                return $"unhashable dict key of type {key.GetType().Name}";
            default:
                return null; // tensors and other objects hash by identity, as in Python
        }
    }

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        var nx = Numeric(x);
        var ny = Numeric(y);
        if (nx.HasValue || ny.HasValue) return nx.HasValue && ny.HasValue && nx.Value.Equals(ny.Value);
        return (x, y) switch
        {
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (PyTuple a, PyTuple b) => TupleEquals(a, b),
            _ => x.Equals(y),
        };
    }

    public int GetHashCode(object obj)
    {
        var n = Numeric(obj);
        if (n.HasValue) return n.Value.GetHashCode();
        switch (obj)
        {
            case string s:
                return StringComparer.Ordinal.GetHashCode(s);
            case byte[] b:
                var hb = new HashCode();
                hb.AddBytes(b);
                return hb.ToHashCode();
            case PyTuple t:
                var ht = new HashCode();
                ht.Add(t.Count);
                foreach (var item in t) ht.Add(item is null ? 0 : GetHashCode(item));
                return ht.ToHashCode();
            default:
                return obj.GetHashCode();
        }
    }

    private bool TupleEquals(PyTuple a, PyTuple b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
        {
            if (!Equals(a[i], b[i])) return false;
        }
        return true;
    }

    // Numbers are compared as (double) when fractional, else as BigInteger, matching Python's
    // cross-type numeric equality for every value a pickle can hold.
    private static NumericKey? Numeric(object o) => o switch
    {
        bool z => new NumericKey(z ? 1 : 0, null),
        int i => new NumericKey(i, null),
        long l => new NumericKey(l, null),
        BigInteger b => new NumericKey(b, null),
        double d when double.IsFinite(d) && Math.Floor(d) == d => new NumericKey(new BigInteger(d), null),
        double d => new NumericKey(BigInteger.Zero, d),
        _ => null,
    };

    private readonly record struct NumericKey(BigInteger Integer, double? Fraction);
}
