namespace RangeOrleans.Evaluation.Probe;

/// <summary>What a task predicts, which fixes the probe (ridge regression or ridge classifier) and the metric.</summary>
public enum ProblemKind
{
    /// <summary>A real value; 3-fold ridge regression, scored by R^2.</summary>
    Regression,

    /// <summary>A class; 10-fold one-vs-all ridge classifier on {-1, +1} targets, scored by accuracy.</summary>
    Classification,
}

public static class ProblemKindNames
{
    public static string Metric(this ProblemKind kind) => kind == ProblemKind.Regression ? "r2" : "accuracy";

    public static string Name(this ProblemKind kind) => kind == ProblemKind.Regression ? "regression" : "classification";

    public static ProblemKind Parse(string text) => text.ToLowerInvariant() switch
    {
        "regression" => ProblemKind.Regression,
        "classification" => ProblemKind.Classification,
        _ => throw new ArgumentException($"unknown task kind '{text}' (expected regression or classification)"),
    };
}
