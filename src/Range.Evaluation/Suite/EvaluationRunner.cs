using System.Diagnostics;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Evaluation.Encoders;
using RangeOrleans.Evaluation.Probe;
using RangeOrleans.Evaluation.Splits;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Suite;

/// <summary>Embeds a task's points with one encoder, splits them, and runs the linear probe.</summary>
public static class EvaluationRunner
{
    public static EvaluationResult Run(
        IEvaluationTask task, TaskData data, ILocationEmbedder embedder, EncoderRequest request,
        SplitSpec split, int seed, ProbeSettings? settings = null, string? checkpoint = null, string? bank = null)
    {
        var clock = Stopwatch.StartNew();
        var features = Embed(embedder, data);
        var rows = split.Apply(data, seed);
        var probe = LinearProbe.Evaluate(
            features.Take(rows.Train), rows.Train.Select(i => data.Targets[i]).ToArray(),
            features.Take(rows.Test), rows.Test.Select(i => data.Targets[i]).ToArray(),
            task.Kind, seed, settings);
        return new EvaluationResult
        {
            Task = task.Name,
            Encoder = request.Name,
            Label = request.Label,
            Beta = request.Name == EncoderRequest.RangePlus ? request.Beta ?? Core.Retrieval.RetrievalOptions.RangePlusBeta : null,
            BankFraction = request.NeedsBank ? request.BankFraction : null,
            Metric = probe.Metric,
            Value = probe.Value,
            Seed = seed,
            NTrain = probe.TrainRows,
            NTest = probe.TestRows,
            Split = data.Split is not null ? "task" : split.Name,
            Alpha = probe.Alpha,
            Dimension = embedder.Dimension,
            K = task is CheckerboardTask board ? board.K : null,
            Checkpoint = request.NeedsCheckpoint || (request.Name == EncoderRequest.Harmonics && checkpoint is not null) ? checkpoint : null,
            Bank = request.NeedsBank ? bank : null,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Every point's embedding, in task order.</summary>
    public static FeatureMatrix Embed(ILocationEmbedder embedder, TaskData data)
    {
        var values = new float[(long)data.Count * embedder.Dimension];
        const int chunk = 8192;
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            embedder.Embed(data.Lon.AsSpan(start, n), data.Lat.AsSpan(start, n), values.AsSpan(start * embedder.Dimension, n * embedder.Dimension));
        }
        return FeatureMatrix.Create(values, data.Count, embedder.Dimension);
    }
}
