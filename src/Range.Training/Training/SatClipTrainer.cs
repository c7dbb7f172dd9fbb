using System.Diagnostics;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>
/// SatCLIP contrastive pretraining (METHOD.md): image and location embeddings aligned by a symmetric
/// InfoNCE loss with a learnable temperature, AdamW (no weight decay on biases, norms and the logit
/// scale), a seeded 90/10 train/validation split. After every epoch <c>last.ckpt</c> (Lightning layout,
/// loadable by <c>range embed</c>) and its optimiser side file are written atomically to the output
/// folder; a run pointed at a folder holding <c>last.ckpt</c> resumes after that epoch. Deterministic
/// for a given seed: data order comes from the seed and epoch, torch's generator is re-seeded per epoch.
/// <see cref="StoredSatClipTraining"/> runs the same loop against a blob store.
/// </summary>
public static class SatClipTrainer
{
    public const string CheckpointFile = "last.ckpt";
    public const string OptimizerFilePattern = "epoch-*.optim";

    /// <summary>The optimiser side file stored with epoch <paramref name="epoch"/>'s checkpoint (0-based).</summary>
    public static string OptimizerFile(int epoch) => $"epoch-{epoch}.optim";

    public static IReadOnlyList<EpochReport> Train(
        IGeoTileDataset data,
        SatClipTrainingOptions options,
        string outputFolder,
        Action<EpochReport>? onEpoch = null,
        CancellationToken cancellationToken = default,
        Action<string, string>? onCheckpoint = null)
    {
        options.Validate();
        if (!data.SupportsTileSize(options.TileSize))
            throw new ArgumentException($"dataset '{data.Name}' cannot give {options.TileSize} px tiles (native {data.NativeTileSize} px)");
        if (data.Count < 3) throw new ArgumentException($"dataset '{data.Name}' has {data.Count} entries; training needs at least 3");
        Directory.CreateDirectory(outputFolder);

        torch.manual_seed(options.Seed);
        var backbone = FrozenVisionBackbone.For(options, data.Channels, data.Name);
        using var model = backbone is null
            ? new SatClipModel(options.VisionConfig(data.Channels), options.LocationConfig, options.Dropout)
            : new SatClipModel(backbone.Model, options.LocationConfig, options.Dropout);
        var split = DataSplit.Create(data.Count, options.ValidationFraction, options.Seed);
        using var optimizer = CreateOptimizer(model, options);

        string checkpointPath = Path.Combine(outputFolder, CheckpointFile);
        int startEpoch = 0;
        long step = 0;
        if (File.Exists(checkpointPath))
            (startEpoch, step) = Resume(checkpointPath, outputFolder, model, optimizer, options, data, backbone);

        if (options.Epochs == 0 && !File.Exists(checkpointPath))
        {
            // The untrained baseline: the seed's initialisation, stored as a checkpoint of no finished epoch (epoch -1).
            SaveOptimizer(optimizer, Path.Combine(outputFolder, OptimizerFile(-1)));
            SatClipCheckpoint.Write(checkpointPath, model, options, data.Channels, data.Name, -1, 0, OptimizerFile(-1), backbone);
            onCheckpoint?.Invoke(Path.Combine(outputFolder, OptimizerFile(-1)), checkpointPath);
        }

        // Frozen: the backbone's features of every tile once, then each batch runs only fc on them (the backbone is fixed).
        using var features = backbone is not null && startEpoch < options.Epochs ? backbone.Features(data, options.TileSize, cancellationToken: cancellationToken) : null;
        Func<int[], Tensor> images = features is null
            ? batch => model.Visual.forward(TileBatch.Tiles(data, batch, options.TileSize, model.Location.Device))
            : batch => backbone!.Model.Fc.forward(features.index_select(0, tensor(Array.ConvertAll(batch, i => (long)i), device: features.device)));
        var reports = new List<EpochReport>();
        for (int epoch = startEpoch; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            torch.manual_seed(DerivedSeed.For(options.Seed, epoch, DerivedSeed.RandomStream.SatClipDropout));
            model.train();
            double trainSum = 0;
            int trainBatches = 0;
            var order = split.EpochOrder(options.Seed, epoch);
            foreach (var batch in Batches(order, options.BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var logits = model.Logits(images(batch), TileBatch.Harmonics(data, batch, model.Location));
                var loss = SatClipModel.ContrastiveLoss(logits);
                trainSum += FiniteGuard.Loss(loss, "SatCLIP", epoch, trainBatches);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                trainBatches++;
                step++;
            }
            var (valLoss, chance) = Validate(model, images, data, split.Validation, options);
            FiniteGuard.Parameters(model, "SatCLIP", epoch);
            string optimizerFile = OptimizerFile(epoch);
            SaveOptimizer(optimizer, Path.Combine(outputFolder, optimizerFile));
            SatClipCheckpoint.Write(checkpointPath, model, options, data.Channels, data.Name, epoch, step, optimizerFile, backbone);
            onCheckpoint?.Invoke(Path.Combine(outputFolder, optimizerFile), checkpointPath); // e.g. upload: the epoch counts once this returns
            DeleteOlderOptimizerFiles(outputFolder, optimizerFile);
            var report = new EpochReport(epoch, options.Epochs, trainBatches == 0 ? double.NaN : trainSum / trainBatches, valLoss, chance, step, clock.Elapsed, checkpointPath);
            reports.Add(report);
            onEpoch?.Invoke(report);
        }
        return reports;
    }

    /// <summary>Mean validation loss over batches of the training batch size, and the untrained model's (mean log batch size).</summary>
    private static (double Loss, double Chance) Validate(SatClipModel model, Func<int[], Tensor> images, IGeoTileDataset data, int[] entries, SatClipTrainingOptions options)
    {
        if (entries.Length < 2) return (double.NaN, double.NaN);
        model.eval();
        using var noGrad = no_grad();
        double sum = 0, chance = 0;
        int batches = 0;
        foreach (var batch in Batches(entries, options.BatchSize))
        {
            using var scope = NewDisposeScope();
            var logits = model.Logits(images(batch), TileBatch.Harmonics(data, batch, model.Location));
            sum += SatClipModel.ContrastiveLoss(logits).item<float>();
            chance += Math.Log(batch.Length);
            batches++;
        }
        return (sum / batches, chance / batches);
    }

    /// <summary>Consecutive batches; a last batch of a single entry (no negatives) is dropped.</summary>
    private static IEnumerable<int[]> Batches(int[] order, int size)
    {
        for (int start = 0; start < order.Length; start += size)
        {
            int n = Math.Min(size, order.Length - start);
            if (n >= 2) yield return order[start..(start + n)];
        }
    }

    private static AdamW CreateOptimizer(SatClipModel model, SatClipTrainingOptions options)
    {
        // Weight decay on weight matrices and conv kernels only: not on biases, norm scales or the logit scale.
        // A frozen backbone's parameters are not optimised at all (decoupled weight decay would still move them).
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (_, p) in model.named_parameters())
        {
            if (p.requires_grad) (p.dim() >= 2 ? decay : noDecay).Add(p);
        }
        return new AdamW(
            [
                new AdamW.ParamGroup(decay, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = options.WeightDecay }),
                new AdamW.ParamGroup(noDecay, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = 0 }),
            ],
            options.LearningRate);
    }

    private static (int StartEpoch, long Step) Resume(string checkpointPath, string folder, SatClipModel model, AdamW optimizer, SatClipTrainingOptions options, IGeoTileDataset data,
        FrozenVisionBackbone? backbone)
    {
        var checkpoint = TorchCheckpointReader.Read(checkpointPath);
        foreach (var (key, expected) in new (string, object)[]
        {
            ("embed_dim", options.EmbedDim), ("legendre_polys", options.LegendrePolys), ("capacity", options.Capacity),
            ("num_hidden_layers", options.NumHiddenLayers), ("vision_width", backbone?.Model.Layout.StemWidth ?? options.VisionWidth), ("image_resolution", options.TileSize),
            ("in_channels", data.Channels), ("batch_size", options.BatchSize), ("seed", options.Seed),
            ("vision_type", SatClipCheckpoint.VisionType(backbone)), ("vision_backbone_sha256", backbone?.Sha256 ?? ""),
        })
        {
            object found = expected is string ? checkpoint.GetString(key, "") ?? "" : checkpoint.GetInt(key);
            if (!Equals(found, expected))
                throw new ArgumentException($"cannot resume from {checkpointPath}: it was trained with {key} = {found}, this run asks for {expected} (use another --output, or the same settings)");
        }
        SatClipCheckpoint.LoadInto(model, checkpoint);
        if (checkpoint.GetEntry(SatClipCheckpoint.OptimizerFileEntry) is string optimizerFile)
        {
            var path = Path.Combine(folder, Path.GetFileName(optimizerFile));
            if (!File.Exists(path)) throw new RangeFormatException(checkpointPath, $"its optimiser state '{optimizerFile}' is missing from {folder}");
            optimizer.load_state_dict(path);
        }
        long step = checkpoint.GetEntry("global_step") is long s ? s : 0;
        return (SatClipCheckpoint.FinishedEpochs(checkpoint), step);
    }

    private static void SaveOptimizer(AdamW optimizer, string path) => PendingFile.Write(path, optimizer.save_state_dict);

    private static void DeleteOlderOptimizerFiles(string folder, string keep)
    {
        foreach (var file in Directory.EnumerateFiles(folder, OptimizerFilePattern))
        {
            if (Path.GetFileName(file) != keep) File.Delete(file);
        }
    }
}
