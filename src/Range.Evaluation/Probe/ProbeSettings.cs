namespace RangeOrleans.Evaluation.Probe;

/// <summary>The probe's knobs; the defaults are the paper's protocol.</summary>
public sealed record ProbeSettings
{
    public static readonly ProbeSettings Paper = new();

    /// <summary>Ridge penalties tried by cross-validation, in order (a tie keeps the first, as sklearn's GridSearchCV).</summary>
    public IReadOnlyList<double> Alphas { get; init; } = [0.1, 1.0, 10.0];

    public int RegressionFolds { get; init; } = 3;

    public int ClassificationFolds { get; init; } = 10;

    public int FoldsFor(ProblemKind kind) => kind == ProblemKind.Regression ? RegressionFolds : ClassificationFolds;
}
