using System.Globalization;
using System.Text;

namespace RangeOrleans.Core.Formats.Numpy;

/// <summary>
/// Parses the small subset of Python literal syntax that .npy headers use: dicts, tuples, lists,
/// quoted strings, integers, True/False/None. Written by hand on purpose: a header is untrusted
/// input and must never be evaluated. Results are Dictionary&lt;string, object?&gt;,
/// List&lt;object?&gt; (tuples and lists), string, long, bool or null.
/// </summary>
internal sealed class PythonLiteralParser
{
    // Nesting deeper than this is never produced by numpy; refusing it bounds recursion.
    private const int MaxDepth = 16;

    private readonly string _text;
    private int _pos;

    private PythonLiteralParser(string text) => _text = text;

    /// <summary>Parses one literal filling the whole text (surrounding whitespace allowed).</summary>
    /// <exception cref="FormatException">The text is not such a literal.</exception>
    public static object? Parse(string text)
    {
        var parser = new PythonLiteralParser(text);
        var value = parser.ParseValue(0);
        parser.SkipWhitespace();
        if (parser._pos != text.Length) throw parser.Error("unexpected text after the literal");
        return value;
    }

    private object? ParseValue(int depth)
    {
        if (depth > MaxDepth) throw Error("nesting too deep");
        SkipWhitespace();
        if (_pos >= _text.Length) throw Error("unexpected end");
        char c = _text[_pos];
        switch (c)
        {
            case '{': return ParseDict(depth);
            case '(': return ParseSequence(depth, ')');
            case '[': return ParseSequence(depth, ']');
            case '\'' or '"': return ParseString();
        }
        if (c == '-' || c == '+' || char.IsAsciiDigit(c)) return ParseInteger();
        if (char.IsAsciiLetter(c))
        {
            int start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
            return _text[start.._pos] switch
            {
                "True" => true,
                "False" => false,
                "None" => null,
                var word => throw Error($"unsupported name '{word}'"),
            };
        }
        throw Error($"unexpected character '{c}'");
    }

    private Dictionary<string, object?> ParseDict(int depth)
    {
        _pos++; // '{'
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipWhitespace();
            if (TryConsume('}')) return dict;
            if (ParseValue(depth + 1) is not string key) throw Error("dictionary keys must be strings");
            SkipWhitespace();
            Expect(':');
            var value = ParseValue(depth + 1);
            if (!dict.TryAdd(key, value)) throw Error($"duplicate key '{key}'");
            SkipWhitespace();
            if (TryConsume('}')) return dict;
            Expect(',');
        }
    }

    private List<object?> ParseSequence(int depth, char close)
    {
        _pos++; // '(' or '['
        var items = new List<object?>();
        while (true)
        {
            SkipWhitespace();
            if (TryConsume(close)) return items;
            items.Add(ParseValue(depth + 1));
            SkipWhitespace();
            if (TryConsume(close)) return items;
            Expect(',');
        }
    }

    private string ParseString()
    {
        char quote = _text[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw Error("unterminated string");
            char c = _text[_pos++];
            if (c == quote) return sb.ToString();
            if (c == '\\')
            {
                if (_pos >= _text.Length) throw Error("unterminated string");
                char e = _text[_pos++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
            }
            else sb.Append(c);
        }
    }

    private long ParseInteger()
    {
        int start = _pos;
        if (_text[_pos] is '-' or '+') _pos++;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        var digits = _text[start.._pos];
        // Python 2 era writers appended L to longs, e.g. (3L, 4L).
        if (_pos < _text.Length && _text[_pos] is 'L' or 'l') _pos++;
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Error($"integer '{digits}' is not a valid 64-bit integer");
        return value;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private bool TryConsume(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c) { _pos++; return true; }
        return false;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c)) throw Error($"expected '{c}'");
    }

    private FormatException Error(string what) => new($"{what} at offset {_pos} of the header");
}
