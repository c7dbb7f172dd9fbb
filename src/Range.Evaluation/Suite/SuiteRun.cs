using RangeOrleans.Evaluation.Encoders;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Suite;

/// <summary>One encoder evaluated on some tasks.</summary>
public sealed record SuiteRun(EncoderRequest Encoder, IReadOnlyList<IEvaluationTask> Tasks);
