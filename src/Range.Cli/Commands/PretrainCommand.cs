using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range pretrain</c>: SatCLIP contrastive pretraining on the Earth imagery or an S2-100K folder, as a pretrain job, writing a loadable checkpoint.</summary>
public static class PretrainCommand
{
    public static Command Create()
    {
        var o = new TrainingOptions();
        var cluster = new ClusterOption(required: false);
        var command = new Command("pretrain",
            "Train a SatCLIP model (ResNet image encoder + spherical-harmonics/SIREN location encoder, symmetric InfoNCE). " +
            "Runs as a pretrain job (an in-process silo, or the cluster given by --cluster; s2:DIR and a local DEST must then be readable by every silo); " +
            "stores DEST/last.ckpt after every epoch (loadable by 'range embed --model satclip'), and a silo that dies costs at most the epoch it was on. " +
            "Rerun with the same DEST to resume.");
        o.AddTo(command);
        cluster.AddTo(command);
        command.SetAction(result =>
        {
            ClusterOption.CheckDestination(result.GetValue(cluster.Redis), result.GetValue(o.Output));
            var spec = o.ToJobSpec(result, o.Destination(result));
            var output = result.InvocationConfiguration.Output;
            var status = PretrainJobRunner.RunAsync(spec, MapJobRunner.NewJobId("pretrain"), cluster.Read(result), output).GetAwaiter().GetResult();
            if (status.State != JobState.Completed) return 1;
            output.WriteLine(spec.Epochs == 0 ? $"untrained initialisation (seed {spec.Seed}): {status.Checkpoint}"
                : status.Reports.Length == 0 ? $"nothing to do: {status.Checkpoint} already has all {spec.Epochs} epochs" : $"checkpoint: {status.Checkpoint}");
            return 0;
        });
        return command;
    }
}
