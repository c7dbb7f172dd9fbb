using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// A prediction problem over points on the Earth: what it is called, what it predicts, and its data.
/// A task that defines its own train/test split (the checkerboard) returns it in <see cref="TaskData.Split"/>;
/// otherwise the caller splits.
/// </summary>
public interface IEvaluationTask
{
    /// <summary>The name the command line uses (air-temperature, checkerboard, csv:FILE, ...).</summary>
    string Name { get; }

    ProblemKind Kind { get; }

    /// <summary>"r2" or "accuracy".</summary>
    string Metric => Kind.Metric();

    /// <summary>Points and targets; <paramref name="seed"/> drives any sampling the task does itself.</summary>
    TaskData Load(int seed);
}
