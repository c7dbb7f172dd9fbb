using System.Text.Json;

namespace RangeOrleans.Cli.Tests.Commands;

public class EvalCommandTests
{
    [Fact]
    public void SingleEvaluationPrintsTheMetricAndWritesTheReport()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("eval", "--task", "air-temperature", "--encoder", "wrap", "--seed", "3", "--output", dir.File("r.json"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("r2 = 0.", run.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("r.json")));
        var root = json.RootElement;
        Assert.Equal("air-temperature", root.GetProperty("task").GetString());
        Assert.Equal("wrap", root.GetProperty("encoder").GetString());
        Assert.Equal("r2", root.GetProperty("metric").GetString());
        Assert.InRange(root.GetProperty("value").GetDouble(), 0.7, 0.95);
        Assert.Equal(3, root.GetProperty("seed").GetInt32());
        Assert.Equal(2460, root.GetProperty("n_train").GetInt32());
        Assert.Equal(616, root.GetProperty("n_test").GetInt32());
        Assert.Equal(0.861, root.GetProperty("published").GetDouble());
    }

    [Fact]
    public void CountryTaskRunsEndToEndOnSampledLandPoints()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("eval", "--task", "country", "--encoder", "wrap", "--output", dir.File("r.json"));
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("r.json")));
        var root = json.RootElement;
        Assert.Equal("country", root.GetProperty("task").GetString());
        Assert.Equal("accuracy", root.GetProperty("metric").GetString());
        Assert.InRange(root.GetProperty("value").GetDouble(), 0.3, 0.6);
        Assert.Equal(0.2, root.GetProperty("n_test").GetInt32() / (double)(root.GetProperty("n_train").GetInt32() + root.GetProperty("n_test").GetInt32()), 2);
    }

    [Fact]
    public void UsersCsvTaskWithClassification()
    {
        using var dir = new TempDir();
        var lines = new List<string> { "lon,lat,zone" };
        for (int i = 0; i < 200; i++) lines.Add($"{-170 + i * 1.7},{(i % 7) * 10 - 30},{(i < 100 ? "west" : "east")}");
        File.WriteAllLines(dir.File("zones.csv"), lines);
        var run = CliRunner.Run("eval", "--task", "csv:" + dir.File("zones.csv"), "--target", "zone", "--kind", "classification", "--encoder", "direct");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("accuracy = 1.0000", run.Output);
    }

    [Theory]
    [InlineData("eval", "--task", "nowhere", "--encoder", "wrap")]
    [InlineData("eval", "--task", "air-temperature", "--encoder", "range")]
    [InlineData("eval", "--task", "air-temperature", "--encoder", "wrap", "--beta", "0.5")]
    [InlineData("eval", "--task", "checkerboard", "--encoder", "wrap", "--split", "holdout:asia")]
    [InlineData("eval", "--task", "air-temperature", "--encoder", "wrap", "--split", "holdout:mars")]
    [InlineData("eval", "--suite", "paper")]
    [InlineData("eval", "--task", "csv:missing.csv", "--target", "y", "--encoder", "wrap")]
    public void BadInputFailsWithOneLine(params string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }
}
