using System.Numerics;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Formats.Checkpoint;

/// <summary>
/// A loaded torch/Lightning checkpoint. <see cref="Root"/> is the whole unpickled graph (with every
/// tensor already a <see cref="HostTensor"/>), so entries a model does not need (optimizer state,
/// callbacks, loops) are still there; <see cref="StateDict"/> and <see cref="HyperParameters"/> are
/// the two views a model loader uses.
/// </summary>
public sealed class TorchCheckpoint
{
    public TorchCheckpoint(string sourcePath, string archiveName, object? root)
    {
        SourcePath = sourcePath;
        ArchiveName = archiveName;
        Root = root;
        StateDict = ExtractStateDict(root);
        HyperParameters = ExtractHyperParameters(root);
    }

    /// <summary>The file the checkpoint was read from.</summary>
    public string SourcePath { get; }

    /// <summary>The zip's top folder (<c>&lt;name&gt;</c> in <c>&lt;name&gt;/data.pkl</c>).</summary>
    public string ArchiveName { get; }

    /// <summary>The unpickled object: usually a <see cref="PyDict"/>.</summary>
    public object? Root { get; }

    /// <summary>Parameter name to tensor, in file order: <c>root["state_dict"]</c>, or the root itself if it is a plain state dict.</summary>
    public IReadOnlyDictionary<string, HostTensor> StateDict { get; }

    /// <summary><c>root["hyper_parameters"]</c> (string keys only), empty when absent.</summary>
    public IReadOnlyDictionary<string, object?> HyperParameters { get; }

    /// <summary>A top-level entry of the root dict (e.g. "epoch"), or null when absent.</summary>
    public object? GetEntry(string key) => Root is PyDict d && d.TryGetValue(key, out var v) ? v : null;

    public HostTensor GetTensor(string name) =>
        StateDict.TryGetValue(name, out var t) ? t : throw Fail($"state_dict has no tensor '{name}'");

    public bool HasHyperParameter(string name) => HyperParameters.ContainsKey(name);

    public long GetLong(string name) => GetHyper(name) switch
    {
        long l => l,
        var v => throw Fail($"hyper-parameter '{name}' is {Describe(v)}, not an integer"),
    };

    public int GetInt(string name)
    {
        long v = GetLong(name);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw Fail($"hyper-parameter '{name}' = {v} does not fit in int");
    }

    public int GetInt(string name, int defaultValue) => HasHyperParameter(name) ? GetInt(name) : defaultValue;

    public double GetDouble(string name) => GetHyper(name) switch
    {
        double d => d,
        long l => l,
        BigInteger b => (double)b,
        var v => throw Fail($"hyper-parameter '{name}' is {Describe(v)}, not a number"),
    };

    public double GetDouble(string name, double defaultValue) => HasHyperParameter(name) ? GetDouble(name) : defaultValue;

    public string GetString(string name) => GetHyper(name) switch
    {
        string s => s,
        var v => throw Fail($"hyper-parameter '{name}' is {Describe(v)}, not a string"),
    };

    public string? GetString(string name, string? defaultValue) =>
        HasHyperParameter(name) && HyperParameters[name] is not null ? GetString(name) : defaultValue;

    public bool GetBool(string name) => GetHyper(name) switch
    {
        bool b => b,
        var v => throw Fail($"hyper-parameter '{name}' is {Describe(v)}, not a bool"),
    };

    public bool GetBool(string name, bool defaultValue) => HasHyperParameter(name) ? GetBool(name) : defaultValue;

    private object? GetHyper(string name) =>
        HyperParameters.TryGetValue(name, out var v) ? v : throw Fail($"hyper-parameter '{name}' is missing");

    private static IReadOnlyDictionary<string, HostTensor> ExtractStateDict(object? root)
    {
        var result = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        if (root is not PyDict top) return result;
        PyDict source;
        if (top.TryGetValue("state_dict", out var sd) && sd is PyDict inner)
            source = inner;
        else if (top.Count > 0 && top.All(kv => kv.Key is string && kv.Value is HostTensor))
            source = top;
        else
            return result;
        // Non-tensor entries (e.g. a module's _extra_state) are not parameters; they stay in Root.
        foreach (var kv in source)
        {
            if (kv.Key is string name && kv.Value is HostTensor t) result[name] = t;
        }
        return result;
    }

    private static IReadOnlyDictionary<string, object?> ExtractHyperParameters(object? root)
    {
        var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        if (root is PyDict top && top.TryGetValue("hyper_parameters", out var hp) && hp is PyDict hparams)
        {
            foreach (var kv in hparams)
            {
                if (kv.Key is string name) result[name] = kv.Value;
            }
        }
        return result;
    }

    private static string Describe(object? v) => v switch
    {
        null => "None",
        string s => $"the string '{s}'",
        _ => $"a {v.GetType().Name} ({v})",
    };

    private RangeFormatException Fail(string detail) => new(SourcePath, detail);
}
