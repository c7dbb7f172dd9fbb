using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// A user's own task: any CSV with longitude and latitude columns (named as for every points file: lon/lng/long/longitude, lat/latitude) and a target column. Regression
/// targets must be numbers; classification targets may be any text (each distinct value is a class).
/// </summary>
public sealed class CsvTask(string path, string targetColumn, ProblemKind kind, string? name = null) : IEvaluationTask
{
    public string Name { get; } = name ?? $"csv:{Path.GetFileName(path)}:{targetColumn}";

    public ProblemKind Kind => kind;

    public string FilePath => path;

    public TaskData Load(int seed)
    {
        var table = CsvTable.Read(path, targetColumn);
        var targets = kind == ProblemKind.Regression
            ? CsvTable.Numbers(path, targetColumn, table.Target)
            : CsvTable.Classes(table.Target);
        return TaskData.Create(table.Lon, table.Lat, targets);
    }
}
