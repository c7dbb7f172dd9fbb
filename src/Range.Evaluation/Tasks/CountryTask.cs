using RangeOrleans.Core.Geography;
using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Country of a land point: <see cref="Points"/> seeded land points (<see cref="LandPoints"/>), each
/// labelled with the Natural Earth 1:50m country containing it; points in no country (a few coastal
/// slivers where the land and country polygons differ) are dropped, and so are the points of countries
/// with fewer than <see cref="MinSamples"/> samples, so every class has enough points to be learned and
/// to appear in the test split. Classes are numbered in the country file's order.
/// Defaults: 10,000 points, at least 25 per country (a country needs roughly 370,000 km^2 of land):
/// with seed 0, 63 countries holding 9,162 of the points.
/// </summary>
public sealed class CountryTask(string dataDir, int points = CountryTask.DefaultPoints, int minSamples = CountryTask.DefaultMinSamples) : IEvaluationTask
{
    public const string TaskName = "country";
    public const int DefaultPoints = 10_000;
    public const int DefaultMinSamples = 25;

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Classification;
    public int Points { get; } = points >= 1 ? points : throw new ArgumentException($"country task: points must be positive, got {points}");
    public int MinSamples { get; } = minSamples >= 1 ? minSamples : throw new ArgumentException($"country task: minimum samples per country must be positive, got {minSamples}");

    public TaskData Load(int seed) => LoadLabelled(seed).Data;

    /// <summary>The task's points and class numbers, with the country name of each class number.</summary>
    public (TaskData Data, string[] ClassNames) LoadLabelled(int seed)
    {
        var (lon, lat) = LandPoints.Sample(dataDir, Points, seed);
        return Label(Countries(dataDir), lon, lat, MinSamples);
    }

    /// <summary>
    /// Labels given points with their country, drops points in no country and countries with fewer
    /// than <paramref name="minSamples"/> points, and numbers the remaining countries 0.. in file order.
    /// </summary>
    public static (TaskData Data, string[] ClassNames) Label(CountryIndex countries, double[] lon, double[] lat, int minSamples)
    {
        var country = new int[lon.Length];
        var counts = new int[countries.Countries.Count];
        for (int i = 0; i < lon.Length; i++)
        {
            country[i] = countries.Locate(lon[i], lat[i]);
            if (country[i] >= 0) counts[country[i]]++;
        }
        var classOf = new int[counts.Length];
        var names = new List<string>();
        for (int c = 0; c < counts.Length; c++)
        {
            classOf[c] = counts[c] >= minSamples ? names.Count : -1;
            if (classOf[c] >= 0) names.Add(countries.Countries[c].Name ?? countries.Countries[c].Id ?? $"country {c}");
        }
        var keep = Enumerable.Range(0, lon.Length).Where(i => country[i] >= 0 && classOf[country[i]] >= 0).ToArray();
        if (names.Count < 2)
            throw new ArgumentException($"country task: only {names.Count} countries have {minSamples} or more of the {lon.Length} points; sample more points or lower the minimum");
        var data = TaskData.Create(
            keep.Select(i => lon[i]).ToArray(),
            keep.Select(i => lat[i]).ToArray(),
            keep.Select(i => (double)classOf[country[i]]).ToArray());
        return (data, [.. names]);
    }

    private static CountryIndex Countries(string dataDir) =>
        DataFileCache.Get(dataDir, CountryIndex.DefaultFile, "the country task", path => CountryIndex.Load(path));
}
