namespace RangeOrleans.Evaluation.Suite;

/// <summary>Mean and sample standard deviation of one task x encoder over the seeds run.</summary>
public sealed record ResultSummary(string Task, string Label, string Metric, double Mean, double StdDev, int Runs, double? Published, int Dimension, int? K)
{
    public static IReadOnlyList<ResultSummary> Of(IEnumerable<EvaluationResult> results, Func<EvaluationResult, double?> published) =>
        results.GroupBy(r => (r.Task, r.K, r.Label))
            .Select(g =>
            {
                var values = g.Select(r => r.Value).ToArray();
                double mean = values.Average();
                double std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
                var first = g.First();
                return new ResultSummary(TaskLabel(first), first.Label, first.Metric, mean, std, values.Length, published(first), first.Dimension, first.K);
            })
            .ToList();

    public static string TaskLabel(EvaluationResult r) => r.K is { } k ? $"{r.Task} k={k}" : r.Task;
}
