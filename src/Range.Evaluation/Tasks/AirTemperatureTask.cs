using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>The paper's Air Temperature task: mean annual air temperature (meanT, deg C) at 3,076 weather stations (Hooker et al. 2018).</summary>
public sealed class AirTemperatureTask(string dataDir) : IEvaluationTask
{
    public const string TaskName = "air-temperature";
    public static string FileIn(string dataDir) => Path.Combine(dataDir, "air_temperature", "stationDataAll.csv");

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Regression;

    public TaskData Load(int seed) => new CsvTask(FileIn(dataDir), "meanT", Kind, Name).Load(seed);
}
