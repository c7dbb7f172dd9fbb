using System.Text.Json.Serialization;

namespace RangeOrleans.Evaluation.Suite;

/// <summary>One probe of one encoder on one task with one seed, as written to the JSON report.</summary>
public sealed record EvaluationResult
{
    [JsonPropertyName("task")] public required string Task { get; init; }
    [JsonPropertyName("encoder")] public required string Encoder { get; init; }
    [JsonPropertyName("beta")] public double? Beta { get; init; }
    [JsonPropertyName("bank_fraction")] public double? BankFraction { get; init; }
    [JsonPropertyName("metric")] public required string Metric { get; init; }
    [JsonPropertyName("value")] public required double Value { get; init; }
    [JsonPropertyName("seed")] public required int Seed { get; init; }
    [JsonPropertyName("n_train")] public required int NTrain { get; init; }
    [JsonPropertyName("n_test")] public required int NTest { get; init; }
    [JsonPropertyName("split")] public required string Split { get; init; }
    [JsonPropertyName("alpha")] public required double Alpha { get; init; }
    [JsonPropertyName("dimension")] public required int Dimension { get; init; }
    [JsonPropertyName("k")] public int? K { get; init; }
    [JsonPropertyName("checkpoint")] public string? Checkpoint { get; init; }
    [JsonPropertyName("bank")] public string? Bank { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    /// <summary>The encoder as tables name it (with beta and bank share).</summary>
    [JsonPropertyName("label")] public required string Label { get; init; }
}
