using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
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
        TrainingOptions(spec).Validate();
        ValidateDestination(spec.Destination);
    }

    /// <summary>
    /// az://CONTAINER/PREFIX with a valid prefix, or an absolute local folder without '..' segments: every silo must
    /// resolve DEST to the same place, and checkpoints must not land outside it.
    /// </summary>
    private static void ValidateDestination(string destination)
    {
        if (string.IsNullOrWhiteSpace(destination)) throw new ArgumentException("--out: no destination given");
        if (BlobStores.IsAzure(destination))
        {
            BlobStores.ParseAzure(destination);
            return;
        }
        if (!Path.IsPathFullyQualified(destination))
            throw new ArgumentException($"--out '{destination}': a job's destination must be an absolute folder or {BlobStores.AzureScheme}CONTAINER/PREFIX (every silo resolves it)");
        if (destination.Split('/', '\\').Contains(".."))
            throw new ArgumentException($"--out '{destination}': a '..' segment leaves the destination; give the folder itself");
    }

    public static SatClipTrainingOptions TrainingOptions(PretrainJobSpec spec) => new()
    {
        Epochs = spec.Epochs,
        BatchSize = spec.BatchSize,
        Seed = spec.Seed,
        LearningRate = spec.LearningRate,
        TileSize = spec.TileSize,
        LegendrePolys = spec.LegendrePolys,
    };

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
