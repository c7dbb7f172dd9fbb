using System.CommandLine;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Retrieval;

namespace RangeOrleans.Cli.Commands;

/// <summary>The model options shared by every command that embeds points (embed, and later map/submit).</summary>
public sealed class ModelOptions
{
    public Option<FileInfo> Checkpoint { get; } = new("--checkpoint")
    {
        Description = "SatCLIP checkpoint (.ckpt, torch.save zip). Only known tensor and container types are read; nothing in it is executed.",
        Required = true,
    };

    public Option<string> Model { get; } = new Option<string>("--model")
    {
        Description = "satclip: the SatCLIP location embedding q. " +
            "range: RANGE, the bank's image features averaged with weights by how similar each entry's SatCLIP embedding is to q " +
            "(softmax(tau q K^T) V), followed by q. " +
            "range+: RANGE+, the same with weights that also favour bank entries near the point (see --beta). " +
            "sh: the raw spherical-harmonic features.",
        Required = true,
    }.AcceptOnlyFromAmong(EmbeddingModelNames.All);

    public Option<FileInfo?> Bank { get; } = new("--bank")
    {
        Description = "Feature bank for range/range+: a RANGE database (.npz with locs, satclip_embeddings, image_embeddings) or a RangeOrleans Arrow bank.",
    };

    public Option<double?> Beta { get; } = new("--beta")
    {
        Description = "range+ only, in [0, 1]: how bank entries are weighted, beta x similarity of embeddings (as range) + " +
            "(1 - beta) x closeness on the sphere to the point. 1: similarity only (as range); " +
            "0: closeness only (the paper's RANGE-HAVER; the smoothest maps). Default 0.5.",
    };

    public Option<double?> Temperature { get; } = new("--temperature")
    {
        Description = "Sharpness of the similarity weighting (tau): higher gives the most similar bank entries more of the weight. Default 15 for range, 12 for range+.",
    };

    public Option<double?> GeoTemperature { get; } = new("--geo-temperature")
    {
        Description = "range+ only: sharpness of the closeness weighting: higher gives the nearest bank entries more of the weight. Default 40.",
    };

    public Option<string> Harmonics { get; } = new Option<string>("--sh")
    {
        Description = "Spherical harmonics evaluation: compat (as the SatCLIP reference, which its weights expect; default) or exact (stable recurrence).",
        DefaultValueFactory = _ => "compat",
    }.AcceptOnlyFromAmong("compat", "exact");

    public Option<string> Selection { get; } = new Option<string>("--selection")
    {
        Description = "Semantic retrieval: soft (softmax over the bank; default), top1 (nearest entry), topk (plain average of the k nearest).",
        DefaultValueFactory = _ => "soft",
    }.AcceptOnlyFromAmong("soft", "top1", "topk");

    public Option<int> TopK { get; } = new("--top-k")
    {
        Description = "k for --selection topk.",
        DefaultValueFactory = _ => 100,
    };

    public Option<double?> AngularThreshold { get; } = new("--angular-threshold")
    {
        Description = "range+ only: give no spatial weight to bank entries farther than this many degrees (off by default, as in the reference code).",
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, cuda or cuda:<index>.",
        DefaultValueFactory = _ => "cpu",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Checkpoint, Model, Bank, Beta, Temperature, GeoTemperature, Harmonics, Selection, TopK, AngularThreshold, Device })
            command.Options.Add(option);
    }

    public EmbedderSpec ToSpec(ParseResult result)
    {
        var spec = new EmbedderSpec(result.GetValue(Checkpoint)!.FullName, EmbeddingModelNames.Parse(result.GetValue(Model)!))
        {
            BankPath = result.GetValue(Bank)?.FullName,
            Beta = result.GetValue(Beta),
            Temperature = result.GetValue(Temperature),
            GeoTemperature = result.GetValue(GeoTemperature),
            Harmonics = result.GetValue(Harmonics) == "exact" ? HarmonicsEvaluation.Exact : HarmonicsEvaluation.Compat,
            Selection = result.GetValue(Selection) switch
            {
                "top1" => RetrievalSelection.Top1,
                "topk" => RetrievalSelection.TopK,
                _ => RetrievalSelection.Soft,
            },
            TopK = result.GetValue(TopK),
            AngularThresholdDegrees = result.GetValue(AngularThreshold),
            Device = result.GetValue(Device)!,
        };
        if (spec.AngularThresholdDegrees is not null && spec.Model != EmbeddingModelKind.RangePlus)
            throw new ArgumentException("--angular-threshold applies to range+ only");
        spec.Validate();
        return spec;
    }
}
