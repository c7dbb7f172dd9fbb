using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>Mean annual precipitation (meanP) at the same 3,076 weather stations as <see cref="AirTemperatureTask"/>.</summary>
public sealed class PrecipitationTask(string dataDir) : IEvaluationTask
{
    public const string TaskName = "precipitation";

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Regression;

    public TaskData Load(int seed) => new CsvTask(AirTemperatureTask.FileIn(dataDir), "meanP", Kind, Name).Load(seed);
}
