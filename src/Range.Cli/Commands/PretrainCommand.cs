using System.CommandLine;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range pretrain</c>: SatCLIP contrastive pretraining on the Earth imagery or an S2-100K folder, writing a loadable checkpoint.</summary>
public static class PretrainCommand
{
    public static Command Create()
    {
        var o = new TrainingOptions();
        var command = new Command("pretrain",
            "Train a SatCLIP model (ResNet image encoder + spherical-harmonics/SIREN location encoder, symmetric InfoNCE). " +
            "Writes DEST/last.ckpt after every epoch (loadable by 'range embed --model satclip'); rerun with the same DEST to resume.");
        o.AddTo(command);
        command.SetAction(result =>
        {
            var options = o.ToOptions(result);
            var dest = o.Destination(result);
            var output = result.InvocationConfiguration.Output;
            var data = DataSource.Open(result.GetValue(o.Data)!, result.GetValue(o.Entries), options.Seed);
            output.WriteLine($"pretrain on {data.Name}: {data.Count:N0} tiles x {data.Channels} channels, {options.TileSize} px; {options.Epochs} epochs, batch {options.BatchSize}, seed {options.Seed}");
            var reports = TrainingOptions.Pretrain(data, options, dest, report => output.WriteLine(report.ToString()), out _);
            output.WriteLine(reports.Count == 0 ? $"nothing to do: {dest}/last.ckpt already has all {options.Epochs} epochs" : $"checkpoint: {dest}/{SatClipTrainer.CheckpointFile}");
            return 0;
        });
        return command;
    }
}
