using TorchSharp;
using RangeOrleans.Core.Formats;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Encoders;

/// <summary>
/// Builds a SatCLIP <see cref="LocationEncoder"/> from a checkpoint's state dict and hyper-parameters:
/// the architecture comes from <c>hyper_parameters</c> (or, where absent, from the tensor shapes) and is
/// checked against every tensor before any weight is copied.
/// </summary>
public static class SatClipLocationModel
{
    /// <summary>Reads the architecture and checks it against the tensors; throws naming what disagrees.</summary>
    public static LocationEncoderConfig ReadConfig(
        IReadOnlyDictionary<string, HostTensor> stateDict,
        IReadOnlyDictionary<string, object?> hyperParameters,
        string source,
        HarmonicsEvaluation harmonics = HarmonicsEvaluation.Compat)
    {
        const string p = LocationEncoder.StateDictPrefix + "nnet.";
        HostTensor Need(string key) => stateDict.TryGetValue(key, out var t)
            ? t
            : throw new RangeFormatException(source, $"state_dict has no '{key}': not a SatCLIP spherical-harmonics + SIREN checkpoint");

        string? leType = GetString(hyperParameters, "le_type");
        if (leType is not null && leType != "sphericalharmonics")
            throw new RangeFormatException(source, $"unsupported le_type '{leType}' (only 'sphericalharmonics' is implemented)");
        string? peType = GetString(hyperParameters, "pe_type");
        if (peType is not null && peType != "siren")
            throw new RangeFormatException(source, $"unsupported pe_type '{peType}' (only 'siren' is implemented)");

        var first = Need(p + "layers.0.weight");
        var last = Need(p + "last_layer.weight");
        if (first.Shape.Length != 2 || last.Shape.Length != 2)
            throw new RangeFormatException(source, "SIREN weights must be matrices");
        int hidden = 0;
        while (stateDict.ContainsKey($"{p}layers.{hidden}.weight")) hidden++;

        int inputDim = (int)first.Shape[1];
        int legendre = GetInt(hyperParameters, "legendre_polys") ?? (int)Math.Round(Math.Sqrt(inputDim));
        int capacity = GetInt(hyperParameters, "capacity") ?? (int)first.Shape[0];
        int layers = GetInt(hyperParameters, "num_hidden_layers") ?? hidden;
        int embed = GetInt(hyperParameters, "embed_dim") ?? (int)last.Shape[0];

        if (legendre * legendre != inputDim)
            throw new RangeFormatException(source, $"legendre_polys = {legendre} needs {legendre * legendre} input features but layers.0.weight is {first.ShapeText}");
        if (layers != hidden)
            throw new RangeFormatException(source, $"num_hidden_layers = {layers} but the state dict has {hidden} hidden layers");
        for (int i = 0; i < hidden; i++)
        {
            ExpectShape(Need($"{p}layers.{i}.weight"), source, $"{p}layers.{i}.weight", capacity, i == 0 ? inputDim : capacity);
            ExpectShape(Need($"{p}layers.{i}.bias"), source, $"{p}layers.{i}.bias", capacity);
        }
        ExpectShape(last, source, p + "last_layer.weight", embed, capacity);
        ExpectShape(Need(p + "last_layer.bias"), source, p + "last_layer.bias", embed);
        return new LocationEncoderConfig(legendre, capacity, layers, embed, harmonics);
    }

    /// <summary>A float64 location encoder in eval mode with the checkpoint's weights.</summary>
    public static LocationEncoder Load(
        IReadOnlyDictionary<string, HostTensor> stateDict,
        IReadOnlyDictionary<string, object?> hyperParameters,
        string source,
        HarmonicsEvaluation harmonics = HarmonicsEvaluation.Compat,
        Device? device = null)
    {
        var config = ReadConfig(stateDict, hyperParameters, source, harmonics);
        var encoder = new LocationEncoder(config);
        using (no_grad())
        {
            foreach (var (name, parameter) in encoder.named_parameters())
            {
                var host = stateDict[LocationEncoder.StateDictPrefix + name];
                using var value = tensor(host.ToDoubleArray(), host.Shape, ScalarType.Float64);
                parameter.copy_(value);
            }
        }
        if (device is not null) encoder.to(device);
        encoder.eval();
        return encoder;
    }

    private static void ExpectShape(HostTensor t, string source, string name, params long[] shape)
    {
        if (!t.Shape.SequenceEqual(shape))
            throw new RangeFormatException(source, $"'{name}' is {t.ShapeText}, the architecture needs [{string.Join(", ", shape)}]");
    }

    internal static int? GetInt(IReadOnlyDictionary<string, object?> h, string key) => h.TryGetValue(key, out var v) ? v switch
    {
        long l => checked((int)l),
        int i => i,
        System.Numerics.BigInteger b => (int)b,
        double d when d == Math.Floor(d) => (int)d,
        _ => null,
    } : null;

    internal static string? GetString(IReadOnlyDictionary<string, object?> h, string key) =>
        h.TryGetValue(key, out var v) ? v as string : null;
}
