using System.CommandLine;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Commands;

/// <summary>The options shared by commands that pretrain (pretrain, pipeline).</summary>
public sealed class TrainingOptions
{
    private static readonly SatClipTrainingOptions Defaults = new();

    public Option<string> Data { get; } = new("--data")
    {
        Description = "earth (the shipped Blue Marble + night lights imagery at locations uniform on the sphere), earth-land (land only), or s2:DIR (an S2-100K folder: index.csv + images/*.tif).",
        Required = true,
    };

    public Option<int?> Entries { get; } = new("--entries")
    {
        Description = $"Locations to sample for earth (default {Training.Data.DataSource.DefaultEarthEntries:N0}); for s2, a random subset of this many tiles.",
    };

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Contrastive batch size (an untrained model's loss is log of it).", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for sampling, split, initialisation, data order and dropout.", DefaultValueFactory = _ => Defaults.Seed };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<int?> TileSize { get; } = new("--tile-size") { Description = "Tile side in pixels fed to the image encoder (default 16 for earth, 32 for s2; must divide 256 for s2)." };
    public Option<int> LegendrePolys { get; } = new("--legendre-polys") { Description = "Spherical-harmonic degree L (L*L features).", DefaultValueFactory = _ => Defaults.LegendrePolys };
    public Option<DirectoryInfo> Out { get; } = new("--out") { Description = "Destination folder (created if needed).", Required = true };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Entries, Epochs, BatchSize, Seed, LearningRate, TileSize, LegendrePolys, Out })
            command.Options.Add(option);
    }

    public SatClipTrainingOptions ToOptions(ParseResult result)
    {
        bool s2 = result.GetValue(Data)?.StartsWith("s2:", StringComparison.Ordinal) == true;
        var options = Defaults with
        {
            Epochs = result.GetValue(Epochs),
            BatchSize = result.GetValue(BatchSize),
            Seed = result.GetValue(Seed),
            LearningRate = result.GetValue(LearningRate),
            TileSize = result.GetValue(TileSize) ?? (s2 ? 32 : 16),
            LegendrePolys = result.GetValue(LegendrePolys),
        };
        options.Validate();
        return options;
    }

    public string Destination(ParseResult result) => result.GetValue(Out)!.FullName;
}
