using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Retrieval;

namespace RangeOrleans.Core.Embedding;

/// <summary>
/// Everything needed to build an embedder: which model, from which checkpoint and bank, with which
/// retrieval settings. Unset temperatures and beta take the reference defaults of the model.
/// </summary>
public sealed record EmbedderSpec(string CheckpointPath, EmbeddingModelKind Model)
{
    public string? BankPath { get; init; }
    public double? Temperature { get; init; }
    public double? GeoTemperature { get; init; }
    public double? Beta { get; init; }
    public HarmonicsEvaluation Harmonics { get; init; } = HarmonicsEvaluation.Compat;
    public RetrievalSelection Selection { get; init; } = RetrievalSelection.Soft;
    public int TopK { get; init; } = 100;
    public double? AngularThresholdDegrees { get; init; }
    public string Device { get; init; } = "cpu";

    /// <summary>The retrieval settings this spec means (RANGE or RANGE+ defaults filled in).</summary>
    public RetrievalOptions RetrievalOptions()
    {
        var options = Model == EmbeddingModelKind.RangePlus
            ? Retrieval.RetrievalOptions.RangePlus(Temperature, GeoTemperature, Beta)
            : Retrieval.RetrievalOptions.Range(Temperature);
        return options with { Selection = Selection, TopK = TopK, AngularThresholdDegrees = AngularThresholdDegrees };
    }

    /// <summary>Checks the settings that do not need any file; throws ArgumentException naming the first problem.</summary>
    public void Validate()
    {
        if (Model.NeedsBank() && string.IsNullOrEmpty(BankPath))
            throw new ArgumentException($"model '{Model.Name()}' needs --bank (a RANGE .npz database or an Arrow bank)");
        if (!Model.NeedsBank() && (Temperature is not null || GeoTemperature is not null || Beta is not null))
            throw new ArgumentException($"--temperature, --geo-temperature and --beta apply to range and range+ only, not '{Model.Name()}'");
        if (Model == EmbeddingModelKind.Range && (GeoTemperature is not null || Beta is not null))
            throw new ArgumentException("--geo-temperature and --beta apply to range+ only");
        if (Model.NeedsBank()) RetrievalOptions().Validate();
    }
}
