using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Pretraining;
using RangeOrleans.Storage;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Commands;

/// <summary>The options shared by commands that pretrain (pretrain, pipeline).</summary>
public sealed class TrainingOptions
{
    private static readonly SatClipTrainingOptions Defaults = new();

    public Option<string> Data { get; } = new("--data")
    {
        Description = "earth (the shipped imagery at locations uniform on the sphere, a year of it: the RGB of January, March, May, July and August 2004 " +
                      "+ night lights + relief, 17 channels), earth-land (land only), earth-one-season / earth-one-season-land (one Blue Marble + night " +
                      "lights + relief, 5 channels), or s2:DIR (an S2-100K folder: index.csv + images/*.tif).",
        Required = true,
    };

    public Option<int?> Entries { get; } = new("--entries")
    {
        Description = $"Locations to sample for earth (default {DataSource.DefaultEarthEntries:N0}); for s2, a random subset of this many tiles.",
    };

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Training epochs (0 stores the untrained initialisation of --seed: the baseline that shows what training adds).", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Contrastive batch size (an untrained model's loss is log of it).", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for sampling, split, initialisation, data order and dropout.", DefaultValueFactory = _ => Defaults.Seed };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<int?> TileSize { get; } = new("--tile-size") { Description = "Tile side in pixels fed to the image encoder (default 16 for earth, 32 for s2; must divide 256 for s2)." };
    public Option<int> LegendrePolys { get; } = new("--legendre-polys") { Description = "Spherical-harmonic degree L (L*L features).", DefaultValueFactory = _ => Defaults.LegendrePolys };
    public Option<string> Output { get; } = OutputOption.Create<string>(
        "DEST",
        "Destination: a local folder (created if needed) or az://CONTAINER/PREFIX (connection from AZURE_STORAGE_CONNECTION_STRING).", required: true, "--out");

    /// <summary>The <see cref="VisionBackbone"/> value of the joint mode: no frozen backbone, the whole small ResNet trains.</summary>
    public const string JointVisionBackbone = "joint";

    public Option<string> VisionBackbone { get; } = new("--vision-backbone")
    {
        HelpName = "random|joint|FILE",
        Description = "The image tower. 'random' (default): the small ResNet at the seed's initialisation, frozen, so only its fc trains with the " +
                      "location encoder (random features: best on the validation continents, docs/evaluation.md). 'joint': the small ResNet trains " +
                      "with it from scratch. FILE: freeze this ResNet (SatCLIP's MoCo mode): a state dict in torchvision/timm naming saved by " +
                      "torch.save (.pth/.pt), e.g. torchgeo's SSL4EO-S12 MoCo ResNet-18/50 weights, or a SatCLIP checkpoint's image tower; its conv1 " +
                      "must take the data's channels (docs/training.md).",
        DefaultValueFactory = _ => SatClipTrainingOptions.RandomVisionBackbone,
    };

    public Option<bool> Overwrite { get; } = new("--overwrite")
    {
        Description = "Replace what DEST holds when it is a model of other settings (data, entries, batch size, seed, learning rate, tile size, " +
                      "Legendre degree). Without it such a DEST is refused and left as it is. The same settings resume after the stored epochs.",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Entries, Epochs, BatchSize, Seed, LearningRate, TileSize, LegendrePolys, VisionBackbone, Output, Overwrite })
            command.Options.Add(option);
    }

    /// <summary>The pretrain job these options describe, checked; an s2 folder made absolute (silos do not share this working directory).</summary>
    public PretrainJobSpec ToJobSpec(ParseResult result, string destination)
    {
        var data = result.GetValue(Data)!;
        var entries = result.GetValue(Entries);
        DataSource.Validate(data, entries);
        var s2 = DataSource.S2Folder(data);
        var backbone = result.GetValue(VisionBackbone) switch
        {
            JointVisionBackbone => null,
            SatClipTrainingOptions.RandomVisionBackbone => SatClipTrainingOptions.RandomVisionBackbone,
            var path => Path.GetFullPath(path!),
        };
        var spec = new PretrainJobSpec
        {
            Data = s2 is null ? data : DataSource.S2Prefix + Path.GetFullPath(s2),
            Entries = entries,
            Epochs = result.GetValue(Epochs),
            BatchSize = result.GetValue(BatchSize),
            Seed = result.GetValue(Seed),
            LearningRate = result.GetValue(LearningRate),
            TileSize = result.GetValue(TileSize) ?? (s2 is null ? EarthImageryDataset.DefaultTileSize : 32),
            LegendrePolys = result.GetValue(LegendrePolys),
            Destination = destination,
            Overwrite = result.GetValue(Overwrite),
            VisionBackbone = backbone,
        };
        PretrainJobs.Validate(spec);
        // Before any job starts: a file that does not fit is one error line naming the parameter (exit 2), not a failed job.
        if (PretrainJobs.BackboneFile(spec) is { } file) FrozenVisionBackbone.Check(file, DataSource.Channels(data), data, Defaults.EmbedDim);
        return spec;
    }

    public string Destination(ParseResult result) => DestinationOf(result.GetValue(Output)!);

    /// <summary>az://CONTAINER/PREFIX as given (checked), a local folder as an absolute path.</summary>
    public static string DestinationOf(string value)
    {
        if (!BlobStores.IsAzure(value)) return Path.GetFullPath(value);
        BlobStores.ParseAzure(value);
        return value.TrimEnd('/');
    }

    /// <summary>The local folder for the files of a blob destination that are needed locally (the value encoder, a downloaded checkpoint): one per destination, so a rerun finds it.</summary>
    public static string WorkFolderFor(string destination) =>
        Path.Combine(Path.GetTempPath(), "range-work", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(destination)))[..16]);
}
