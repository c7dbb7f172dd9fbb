using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Grains.Pretraining;

/// <summary>A pretrain job's records in the training library's terms: the spec's checks and options, and its epoch reports.</summary>
public static class PretrainJobs
{
    /// <summary>Checks what can be checked without reading any file; ArgumentException naming the problem.</summary>
    public static void Validate(PretrainJobSpec spec)
    {
        DataSource.Validate(spec.Data, spec.Entries);
        if (DataSource.S2Folder(spec.Data) is { } folder && !Path.IsPathFullyQualified(folder))
            throw new ArgumentException($"--data '{spec.Data}': the S2 folder must be an absolute path (every silo reads it)");
        if (BackboneFile(spec) is { } backbone && !Path.IsPathFullyQualified(backbone))
            throw new ArgumentException($"--vision-backbone '{backbone}' must be an absolute path (every silo reads it)");
        TrainingOptions(spec).Validate();
        JobPoints.RequireDestination(spec.Destination);
    }

    /// <summary>The state-dict file a frozen-backbone job reads; null for the joint mode and the seeded random tower.</summary>
    public static string? BackboneFile(PretrainJobSpec spec) =>
        spec.VisionBackbone is SatClipTrainingOptions.RandomVisionBackbone ? null : spec.VisionBackbone;

    public static SatClipTrainingOptions TrainingOptions(PretrainJobSpec spec) => new()
    {
        Epochs = spec.Epochs,
        BatchSize = spec.BatchSize,
        Seed = spec.Seed,
        LearningRate = spec.LearningRate,
        TileSize = spec.TileSize,
        LegendrePolys = spec.LegendrePolys,
        VisionBackbone = spec.VisionBackbone,
    };

    /// <summary>
    /// What decides the model a pretrain job stores, recorded in DEST/job.json (<see cref="DestinationClaim.Pretrain"/>): every
    /// setting but the epochs (a rerun with more resumes after the stored ones) and the destination. The joint mode's claim
    /// is what it was before the frozen mode existed, so its stored models still resume.
    /// </summary>
    public static object ClaimSettings(PretrainJobSpec spec) => spec.VisionBackbone is null
        ? new { spec.Data, spec.Entries, spec.BatchSize, spec.Seed, spec.LearningRate, spec.TileSize, spec.LegendrePolys }
        : new { spec.Data, spec.Entries, spec.BatchSize, spec.Seed, spec.LearningRate, spec.TileSize, spec.LegendrePolys, spec.VisionBackbone };

    public static PretrainEpochReport Report(EpochReport report, int attempt) => new()
    {
        Epoch = report.Epoch,
        Epochs = report.Epochs,
        TrainLoss = report.TrainLoss,
        ValidationLoss = report.ValidationLoss,
        ChanceLoss = report.ChanceLoss,
        GlobalStep = report.GlobalStep,
        Elapsed = report.Elapsed,
        Attempt = attempt,
    };

    /// <summary>The same line as <see cref="EpochReport.ToString"/>.</summary>
    public static string Describe(PretrainEpochReport r) =>
        EpochReport.Describe(r.Epoch, r.Epochs, r.TrainLoss, r.ValidationLoss, r.ChanceLoss, r.GlobalStep, r.Elapsed);
}
