using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tests.Probe;

public class LinearProbeTests
{
    private static (FeatureMatrix X, double[] Features) Random2D(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n * 3];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 10 - 5);
        for (int i = 0; i < n; i++) values[i * 3 + 2] = 4f; // a constant column must not break scaling
        return (FeatureMatrix.Create(values, n, 3), values.Select(v => (double)v).ToArray());
    }

    [Fact]
    public void PerfectLinearTargetGivesR2NearOne()
    {
        var (train, tv) = Random2D(600, 1);
        var (test, sv) = Random2D(200, 2);
        double[] Target(double[] v, int n) => Enumerable.Range(0, n).Select(i => 3 * v[i * 3] - 2 * v[i * 3 + 1] + 1).ToArray();
        var result = LinearProbe.Evaluate(train, Target(tv, 600), test, Target(sv, 200), ProblemKind.Regression, seed: 0);
        Assert.Equal("r2", result.Metric);
        Assert.True(result.Value > 0.9999, $"R^2 {result.Value}");
        Assert.Equal(0.1, result.Alpha); // the least shrinkage fits a noiseless target best
        Assert.Equal(3, result.CrossValidationScores.Count);
    }

    [Fact]
    public void SeparableClassesGiveAccuracyOne()
    {
        // Three well separated clusters: one-vs-all ridge separates them perfectly.
        var random = new Random(3);
        FeatureMatrix Make(int n, out double[] labels)
        {
            var values = new float[n * 2];
            labels = new double[n];
            for (int i = 0; i < n; i++)
            {
                int c = i % 3;
                labels[i] = c * 10; // labels need not be 0..C-1
                values[i * 2] = (float)(c * 10 + random.NextDouble());
                values[i * 2 + 1] = (float)(c == 1 ? 20 + random.NextDouble() : random.NextDouble());
            }
            return FeatureMatrix.Create(values, n, 2);
        }
        var train = Make(300, out var yTrain);
        var test = Make(90, out var yTest);
        var result = LinearProbe.Evaluate(train, yTrain, test, yTest, ProblemKind.Classification, seed: 0);
        Assert.Equal("accuracy", result.Metric);
        Assert.Equal(1.0, result.Value);
    }

    [Fact]
    public void BinarySeparableProblemGivesAccuracyOne()
    {
        var values = new float[] { -3, -2, -1.5f, -1, 1, 1.5f, 2, 3, -2.5f, 2.5f, -0.8f, 0.8f };
        var labels = values.Select(v => v > 0 ? 1.0 : 0.0).ToArray();
        var train = FeatureMatrix.Create(values[..10], 10, 1);
        var test = FeatureMatrix.Create(values[10..], 2, 1);
        var probe = LinearProbe.Evaluate(train, labels[..10], test, labels[10..], ProblemKind.Classification, seed: 1,
            new ProbeSettings { ClassificationFolds = 2 });
        Assert.Equal(1.0, probe.Value);
    }

    [Fact]
    public void SameSeedSameResult()
    {
        var (train, tv) = Random2D(300, 4);
        var (test, _) = Random2D(50, 5);
        var noisy = new Random(6);
        var y = Enumerable.Range(0, 300).Select(i => tv[i * 3] + noisy.NextDouble() * 5).ToArray();
        var yTest = Enumerable.Range(0, 50).Select(i => noisy.NextDouble()).ToArray();
        var a = LinearProbe.Evaluate(train, y, test, yTest, ProblemKind.Regression, 7);
        var b = LinearProbe.Evaluate(train, y, test, yTest, ProblemKind.Regression, 7);
        Assert.Equal(a.Value, b.Value);
        Assert.Equal(a.CrossValidationScores, b.CrossValidationScores);
    }

    [Fact]
    public void OneClassIsRefused()
    {
        var x = FeatureMatrix.Create(new float[20], 20, 1);
        var ex = Assert.Throws<ArgumentException>(() =>
            LinearProbe.Evaluate(x, new double[20], x, new double[20], ProblemKind.Classification, 0));
        Assert.Contains("two classes", ex.Message);
    }
}
