using System.Diagnostics;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>Trains the masked autoencoder on a dataset's tiles (AdamW, seeded) and writes it, frozen, to a checkpoint.</summary>
public static class MaeTrainer
{
    public const string CheckpointFile = "mae.ckpt";

    /// <summary>Gradients are scaled down to this global L2 norm before each step.</summary>
    public const double MaxGradientNorm = 1.0;

    public static MaskedAutoencoder Train(IGeoTileDataset data, MaeTrainingOptions options, string? checkpointPath = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (!data.SupportsTileSize(options.TileSize)) throw new ArgumentException($"dataset '{data.Name}' cannot give {options.TileSize} px tiles");
        torch.manual_seed(options.Seed);
        var mae = new MaskedAutoencoder(data.Channels, options.FeatureDim, options.TileSize, options.PatchSize, options.MaskRatio);
        try
        {
            using var optimizer = new AdamW(mae.parameters(), options.LearningRate, options.WeightDecay);
            var all = Enumerable.Range(0, data.Count).ToArray();
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                var order = (int[])all.Clone();
                new Random(DerivedSeed.For(options.Seed, epoch, DerivedSeed.RandomStream.MaeBatchOrder)).Shuffle(order);
                order = order[..Math.Min(order.Length, options.MaxTilesPerEpoch)];
                mae.train();
                double sum = 0;
                int batches = 0;
                for (int start = 0; start < order.Length; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var batch = order[start..Math.Min(order.Length, start + options.BatchSize)];
                    var loss = mae.MaskedLoss(TileBatch.Tiles(data, batch, options.TileSize, mae.Device));
                    sum += FiniteGuard.Loss(loss, "masked-autoencoder", epoch, batches);
                    optimizer.zero_grad();
                    loss.backward();
                    nn.utils.clip_grad_norm_(mae.parameters(), MaxGradientNorm); // one outlier batch cannot throw the weights far
                    optimizer.step();
                    batches++;
                }
                FiniteGuard.Parameters(mae, "masked-autoencoder", epoch);
                log?.Invoke(FormattableString.Invariant($"mae epoch {epoch + 1}/{options.Epochs}: masked reconstruction loss {sum / Math.Max(batches, 1):F5}, {clock.Elapsed.TotalSeconds:F1} s"));
            }
            mae.eval();
            if (checkpointPath is not null) MaeCheckpoint.Write(checkpointPath, mae, options.Epochs - 1, data.Name);
            return mae;
        }
        catch
        {
            mae.Dispose();
            throw;
        }
    }
}
