using RangeOrleans.Core.Embedding;
using RangeOrleans.Evaluation.Encoders;
using RangeOrleans.Evaluation.Probe;
using RangeOrleans.Evaluation.Splits;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Suite;

/// <summary>
/// Runs a list of encoder x tasks with several seeds. Each encoder is built once (one bank copy in
/// memory at a time); each task's data is loaded once per seed and shared by all encoders.
/// </summary>
public sealed class SuiteRunner(EncoderFactory factory, SplitSpec split, IReadOnlyList<int> seeds, ProbeSettings? settings = null)
{
    private readonly Dictionary<(IEvaluationTask, int), TaskData> _data = new(ReferenceEqualityPair.Instance);

    /// <summary>Called after each probe with the result, for progress lines.</summary>
    public Action<EvaluationResult>? OnResult { get; init; }

    public IReadOnlyList<EvaluationResult> Run(IReadOnlyList<SuiteRun> runs)
    {
        var results = new List<EvaluationResult>();
        foreach (var run in runs)
        {
            // Only a bank subsample depends on the seed: other encoders are built once for all seeds.
            bool perSeed = run.Encoder.BankFraction < 1;
            ILocationEmbedder? shared = perSeed ? null : factory.Create(run.Encoder);
            try
            {
                foreach (var seed in seeds)
                {
                    using var own = perSeed ? factory.Create(run.Encoder, seed) : null;
                    foreach (var task in run.Tasks)
                    {
                        var result = EvaluationRunner.Run(task, Data(task, seed), own ?? shared!, run.Encoder, split, seed, settings,
                            FileName(factory.CheckpointPath), FileName(factory.BankPath));
                        results.Add(result);
                        OnResult?.Invoke(result);
                    }
                }
            }
            finally
            {
                shared?.Dispose();
            }
        }
        return results;
    }

    private static string? FileName(string? path) => path is null ? null : Path.GetFileName(path);

    private TaskData Data(IEvaluationTask task, int seed)
    {
        if (!_data.TryGetValue((task, seed), out var data)) _data[(task, seed)] = data = task.Load(seed);
        return data;
    }

    private sealed class ReferenceEqualityPair : IEqualityComparer<(IEvaluationTask Task, int Seed)>
    {
        public static readonly ReferenceEqualityPair Instance = new();
        public bool Equals((IEvaluationTask Task, int Seed) a, (IEvaluationTask Task, int Seed) b) => ReferenceEquals(a.Task, b.Task) && a.Seed == b.Seed;
        public int GetHashCode((IEvaluationTask Task, int Seed) p) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p.Task), p.Seed);
    }
}
