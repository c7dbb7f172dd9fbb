using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>Task names as the command line spells them, and the tasks they make.</summary>
public static class TaskCatalog
{
    public const string CsvPrefix = "csv:";

    public static readonly string[] Names =
        [AirTemperatureTask.TaskName, PrecipitationTask.TaskName, CaliforniaHousingTask.TaskName, CountryTask.TaskName, CheckerboardTask.TaskName, NightLightsTask.TaskName, LandWaterTask.TaskName, ElevationTask.TaskName];

    /// <summary>Options a task may need: the data folder, checkerboard k, a CSV task's target column and kind.</summary>
    public sealed record Options
    {
        public string? DataDir { get; init; }
        public int CheckerboardK { get; init; } = CheckerboardTask.DefaultK;
        public string? Target { get; init; }
        public ProblemKind? Kind { get; init; }
    }

    public static IEvaluationTask Create(string name, Options options)
    {
        if (name.StartsWith(CsvPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var path = name[CsvPrefix.Length..];
            if (path.Length == 0) throw new ArgumentException("--task csv:FILE needs a file name after 'csv:'");
            if (string.IsNullOrEmpty(options.Target)) throw new ArgumentException("--task csv:FILE needs --target COLUMN");
            return new CsvTask(Path.GetFullPath(path), options.Target, options.Kind ?? ProblemKind.Regression);
        }
        if (options.Target is not null || options.Kind is not null)
            throw new ArgumentException($"--target and --kind apply to csv:FILE tasks only, not '{name}'");
        string Data() => options.DataDir ?? SampleDataDirectory.Find();
        return name.ToLowerInvariant() switch
        {
            AirTemperatureTask.TaskName => new AirTemperatureTask(Data()),
            PrecipitationTask.TaskName => new PrecipitationTask(Data()),
            CaliforniaHousingTask.TaskName => new CaliforniaHousingTask(Data()),
            CountryTask.TaskName => new CountryTask(Data()),
            CheckerboardTask.TaskName => new CheckerboardTask(options.CheckerboardK),
            NightLightsTask.TaskName => new NightLightsTask(Data()),
            LandWaterTask.TaskName => new LandWaterTask(Data()),
            ElevationTask.TaskName => new ElevationTask(Data()),
            _ => throw new ArgumentException($"unknown task '{name}' (expected one of: {string.Join(", ", Names)}, or csv:FILE)"),
        };
    }
}
