namespace RangeOrleans.Evaluation.Probe;

/// <summary>One probe's outcome: the test score, the alpha cross-validation chose, and each alpha's mean CV score.</summary>
public sealed record ProbeResult(
    string Metric,
    double Value,
    double Alpha,
    IReadOnlyDictionary<double, double> CrossValidationScores,
    int TrainRows,
    int TestRows);
