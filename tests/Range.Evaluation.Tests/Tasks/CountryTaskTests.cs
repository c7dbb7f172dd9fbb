using RangeOrleans.Core.Geography;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Tests.Tasks;

public class CountryTaskTests
{
    private static string DataDir => SampleDataDirectory.Find();

    private static readonly Lazy<CountryIndex> Countries = new(() => CountryIndex.Load(Path.Combine(DataDir, CountryIndex.DefaultFile)));

    [Fact]
    public void KnownPointsGetTheirCountryAndSeaPointsAreDropped()
    {
        // Paris, Nairobi, Brasilia, Canberra, Ottawa, then the middle of the Atlantic.
        double[] lon = [2.35, 36.82, -47.88, 149.13, -75.70, -30.0];
        double[] lat = [48.86, -1.29, -15.79, -35.28, 45.42, 30.0];
        var (data, names) = CountryTask.Label(Countries.Value, lon, lat, minSamples: 1);
        Assert.Equal(5, data.Count);
        Assert.Equal(["France", "Kenya", "Brazil", "Australia", "Canada"], data.Targets.Select(t => names[(int)t]).ToArray());
    }

    [Fact]
    public void CountriesWithTooFewSamplesAreFilteredAndClassesAreDense()
    {
        // Three points in France, two in Kenya, one in Brazil: a minimum of 2 keeps France and Kenya.
        double[] lon = [2.35, 4.83, 1.44, 36.82, 39.67, -47.88];
        double[] lat = [48.86, 45.76, 43.60, -1.29, -4.04, -15.79];
        var (data, names) = CountryTask.Label(Countries.Value, lon, lat, minSamples: 2);
        Assert.Equal(5, data.Count);
        Assert.Equal(2, names.Length);
        Assert.Equal([0.0, 1.0], data.Targets.Distinct().Order().ToArray());
        Assert.DoesNotContain(-47.88, data.Lon);
    }

    [Fact]
    public void SampledTaskIsDeterministicLandOnlyAndEveryClassHasTheMinimum()
    {
        var task = new CountryTask(DataDir, points: 2000, minSamples: 20);
        var (a, names) = task.LoadLabelled(seed: 4);
        var b = task.Load(seed: 4);
        Assert.Equal(a.Lon, b.Lon);
        Assert.Equal(a.Targets, b.Targets);
        Assert.NotEqual(a.Lon, task.Load(seed: 5).Lon);
        Assert.True(a.Count > 1000 && a.Count <= 2000, $"{a.Count} points kept");
        var counts = a.Targets.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(names.Length, counts.Count);
        Assert.All(counts.Values, c => Assert.True(c >= 20));
        for (int i = 0; i < a.Count; i += 97)
            Assert.Equal(names[(int)a.Targets[i]], Countries.Value.CountryAt(a.Lon[i], a.Lat[i])!.Name);
        Assert.Contains("Russia", names);
    }

    [Fact]
    public void TooFewCountriesIsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => CountryTask.Label(Countries.Value, [2.35], [48.86], minSamples: 5));
        Assert.Contains("countries have 5 or more", ex.Message);
    }

    [Fact]
    public void TaskCatalogKnowsCountryAndNightLights()
    {
        var options = new TaskCatalog.Options { DataDir = DataDir };
        Assert.IsType<CountryTask>(TaskCatalog.Create("country", options));
        Assert.IsType<NightLightsTask>(TaskCatalog.Create("night-lights", options));
    }
}
