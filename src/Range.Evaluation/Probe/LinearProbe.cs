using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Evaluation.Probe;

/// <summary>
/// The paper's linear probe: min-max scaling fitted on the training rows, then ridge regression
/// (regression) or a one-vs-all ridge classifier on {-1, +1} targets (classification, as sklearn's
/// RidgeClassifier: binary problems use one column, +1 for the larger label), with alpha chosen by
/// k-fold cross-validation on the training rows only (mean fold R^2 or accuracy; ties keep the
/// smaller alpha). The chosen alpha is refitted on all training rows and scored on the test rows.
/// All arithmetic is float64.
/// </summary>
public static class LinearProbe
{
    public static ProbeResult Evaluate(
        FeatureMatrix trainFeatures, ReadOnlySpan<double> trainTargets,
        FeatureMatrix testFeatures, ReadOnlySpan<double> testTargets,
        ProblemKind kind, int seed, ProbeSettings? settings = null)
    {
        settings ??= ProbeSettings.Paper;
        if (trainFeatures.Rows != trainTargets.Length || testFeatures.Rows != testTargets.Length)
            throw new ArgumentException("feature rows and targets disagree in number");
        if (trainFeatures.Columns != testFeatures.Columns)
            throw new ArgumentException($"train has {trainFeatures.Columns} features, test {testFeatures.Columns}");
        if (testFeatures.Rows == 0) throw new ArgumentException("the test split is empty");
        if (settings.Alphas.Count == 0) throw new ArgumentException("no ridge alphas to choose from");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var xTrainRaw = ToFloat64(trainFeatures);
        var xTestRaw = ToFloat64(testFeatures);
        using var scaler = MinMaxScaler.Fit(xTrainRaw);
        var xTrain = scaler.Transform(xTrainRaw);
        var xTest = scaler.Transform(xTestRaw);

        var targets = kind == ProblemKind.Regression
            ? (ITargets)new RegressionTargets(trainTargets)
            : new ClassTargets(trainTargets);
        int k = settings.FoldsFor(kind);
        var fold = targets.Folds(k, seed);

        // Per fold: the held-out rows and the sums over the other rows (whole-split sums minus the fold's).
        using var all = RidgeSums.Of(xTrain, targets.Encoded);
        var folds = new List<(long[] Held, Tensor HeldX, RidgeSums Fit)>();
        for (int f = 0; f < k; f++)
        {
            var held = Rows(fold, f);
            if (held.Length == 0 || held.Length == fold.Length) continue;
            var index = tensor(held);
            var heldX = xTrain.index_select(0, index);
            using var heldSums = RidgeSums.Of(heldX, targets.Encoded.index_select(0, index));
            folds.Add((held, heldX, all.Minus(heldSums)));
        }

        var cvScores = new Dictionary<double, double>();
        double bestAlpha = settings.Alphas[0], bestScore = double.NegativeInfinity;
        foreach (var alpha in settings.Alphas)
        {
            double sum = 0;
            foreach (var (held, heldX, fitSums) in folds)
            {
                using var foldScope = NewDisposeScope();
                using var model = RidgeModel.Fit(fitSums, alpha);
                sum += targets.Score(model.Predict(heldX), held);
            }
            double mean = folds.Count > 0 ? sum / folds.Count : double.NegativeInfinity;
            cvScores[alpha] = mean;
            if (mean > bestScore) { bestScore = mean; bestAlpha = alpha; }
        }
        foreach (var f in folds) f.Fit.Dispose();

        using var final = RidgeModel.Fit(xTrain, targets.Encoded, bestAlpha);
        double value = targets.ScoreTest(final.Predict(xTest), testTargets);
        return new ProbeResult(kind.Metric(), value, bestAlpha, cvScores, trainFeatures.Rows, testFeatures.Rows);
    }

    private static Tensor ToFloat64(FeatureMatrix m) =>
        tensor(m.Values, new long[] { m.Rows, m.Columns }).to(ScalarType.Float64);

    private static long[] Rows(int[] fold, int f)
    {
        var rows = new List<long>(fold.Length / 2);
        for (int i = 0; i < fold.Length; i++) if (fold[i] == f) rows.Add(i);
        return rows.ToArray();
    }

    /// <summary>Training targets as the ridge model sees them, and how predictions are scored.</summary>
    private interface ITargets
    {
        Tensor Encoded { get; }
        int[] Folds(int k, int seed);
        double Score(Tensor predicted, long[] trainRows);
        double ScoreTest(Tensor predicted, ReadOnlySpan<double> truth);
    }

    private sealed class RegressionTargets(ReadOnlySpan<double> y) : ITargets
    {
        private readonly double[] _y = y.ToArray();

        public Tensor Encoded { get; } = tensor(y.ToArray(), new long[] { y.Length, 1 });

        public int[] Folds(int k, int seed) => Probe.Folds.Assign(_y.Length, k, seed);

        public double Score(Tensor predicted, long[] trainRows)
        {
            var truth = new double[trainRows.Length];
            for (int i = 0; i < truth.Length; i++) truth[i] = _y[trainRows[i]];
            return Metrics.R2(truth, ToArray(predicted));
        }

        public double ScoreTest(Tensor predicted, ReadOnlySpan<double> truth) => Metrics.R2(truth, ToArray(predicted));

        private static double[] ToArray(Tensor t) => t.reshape(-1).contiguous().data<double>().ToArray();
    }

    private sealed class ClassTargets : ITargets
    {
        private readonly double[] _classes;
        private readonly int[] _labels;

        public ClassTargets(ReadOnlySpan<double> y)
        {
            _classes = y.ToArray().Distinct().Order().ToArray();
            if (_classes.Length < 2) throw new ArgumentException($"classification needs at least two classes in the training split, found {_classes.Length}");
            _labels = new int[y.Length];
            for (int i = 0; i < y.Length; i++) _labels[i] = Array.BinarySearch(_classes, y[i]);
            // One column for two classes (+1 = the larger label), else one column per class.
            int columns = _classes.Length == 2 ? 1 : _classes.Length;
            var encoded = new double[(long)y.Length * columns];
            Array.Fill(encoded, -1.0);
            for (int i = 0; i < y.Length; i++)
            {
                if (columns == 1) { if (_labels[i] == 1) encoded[i] = 1.0; }
                else encoded[(long)i * columns + _labels[i]] = 1.0;
            }
            Encoded = tensor(encoded, new long[] { y.Length, columns });
        }

        public Tensor Encoded { get; }

        public int[] Folds(int k, int seed) => Probe.Folds.AssignStratified(_labels, k, seed);

        public double Score(Tensor predicted, long[] trainRows)
        {
            var guess = Decide(predicted);
            var truth = new int[trainRows.Length];
            for (int i = 0; i < truth.Length; i++) truth[i] = _labels[trainRows[i]];
            return Metrics.Accuracy(truth, guess);
        }

        public double ScoreTest(Tensor predicted, ReadOnlySpan<double> truth)
        {
            var guess = Decide(predicted);
            var labels = new int[truth.Length];
            for (int i = 0; i < truth.Length; i++)
            {
                int c = Array.BinarySearch(_classes, truth[i]);
                labels[i] = c >= 0 ? c : -1; // a class never seen in training cannot be predicted
            }
            return Metrics.Accuracy(labels, guess);
        }

        private int[] Decide(Tensor scores)
        {
            if (scores.shape[1] == 1)
                return scores.reshape(-1).gt(0).to(ScalarType.Int32).contiguous().data<int>().ToArray();
            return scores.argmax(1).to(ScalarType.Int32).contiguous().data<int>().ToArray();
        }
    }
}
