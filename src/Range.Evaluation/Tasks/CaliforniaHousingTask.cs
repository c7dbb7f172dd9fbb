using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>The paper's California Housing task: median_house_value of 20,640 block groups (1990 census, Pace and Barry 1997).</summary>
public sealed class CaliforniaHousingTask(string dataDir) : IEvaluationTask
{
    public const string TaskName = "california-housing";

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Regression;

    public TaskData Load(int seed) =>
        new CsvTask(Path.Combine(dataDir, "california_housing", "housing.csv"), "median_house_value", Kind, Name).Load(seed);
}
