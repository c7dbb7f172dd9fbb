using System.CommandLine;
using System.Diagnostics;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range pipeline</c>: pretrain, build a bank, map the globe at 1 degree with RANGE, in that order,
/// (DEST/model, DEST/bank, DEST/map). Pretraining (and the value encoder) run here; the bank is a sharded bank job and
/// the map a <c>range map --grid</c> job (in-process silo, or the cluster given by --cluster). Each step resumes from what an interrupted run left.
/// </summary>
public static class PipelineCommand
{
    public static Command Create()
    {
        var o = new TrainingOptions();
        var bankEntries = new Option<int>("--bank-entries") { Description = "Bank entries (earth: sampled locations; s2: a subset).", DefaultValueFactory = _ => 10000 };
        var resolution = new Option<double>("--resolution") { Description = "Map grid spacing in degrees.", DefaultValueFactory = _ => 1.0 };
        var shardDegrees = new Option<double>("--shard-degrees") { Description = "Map tile size in degrees (divides 180): one shard file per tile.", DefaultValueFactory = _ => 10 };
        var cluster = ClusterOption.Create(required: false);
        var command = new Command("pipeline", "Pretrain SatCLIP, build a RANGE bank, and write a global RANGE embedding map (DEST/model/last.ckpt, DEST/bank/bank.arrow, DEST/map/manifest.json + DEST/map/shards/*.arrow, as range map writes).");
        o.AddTo(command);
        command.Options.Add(bankEntries);
        command.Options.Add(resolution);
        command.Options.Add(shardDegrees);
        command.Options.Add(cluster);
        command.SetAction(result =>
        {
            var clock = Stopwatch.StartNew();
            var output = result.InvocationConfiguration.Output;
            var options = o.ToOptions(result);
            var dest = o.Destination(result);
            var spec = result.GetValue(o.Data)!;
            double step = result.GetValue(resolution);
            string? redis = result.GetValue(cluster);
            var mapJob = MapJob(dest, step, result.GetValue(shardDegrees));

            var data = DataSource.Open(spec, result.GetValue(o.Entries), options.Seed);
            output.WriteLine($"[1/3] pretrain on {data.Name}: {data.Count:N0} tiles, {options.Epochs} epochs, batch {options.BatchSize}");
            TrainingOptions.Pretrain(data, options, $"{dest}/model", report => output.WriteLine(report.ToString()), out var checkpoint);
            output.WriteLine($"      {clock.Elapsed.TotalMinutes:F1} min");

            output.WriteLine("[2/3] bank");
            var bankData = DataSource.Open(spec, result.GetValue(bankEntries), options.Seed);
            var bankDir = $"{dest}/bank";
            string mae;
            using (var keys = ImageEncoders.SatClip(checkpoint))
                mae = Path.GetFullPath(BankBuild.ValueEncoder(keys, bankData, bankDir, null, new MaeTrainingOptions().Epochs, options.Seed, output));
            var bankJob = new BankJobSpec
            {
                Checkpoint = Path.GetFullPath(checkpoint), Mae = mae, Data = spec, Entries = result.GetValue(bankEntries), Seed = options.Seed,
                ShardSize = LocalBankJob.DefaultShardSize, Destination = bankDir,
            };
            var bank = BankJobRunner.RunAsync(bankJob, MapJobRunner.NewJobId("pipeline-bank"), redis, output).GetAwaiter().GetResult();
            if (bank.State != JobState.Completed) return 1;
            output.WriteLine($"      {bank.Entries:N0} entries; {clock.Elapsed.TotalMinutes:F1} min");

            output.WriteLine($"[3/3] map: RANGE embeddings on the {step}-degree global grid, as a 'range map' job ({(redis is null ? "in-process silo" : "cluster " + redis)})");
            var status = MapJobRunner.RunAsync(mapJob, MapJobRunner.NewJobId("pipeline-map"), redis, "cpu", output).GetAwaiter().GetResult();
            if (status.State != JobState.Completed) return 1;
            output.WriteLine($"pipeline done in {clock.Elapsed.TotalMinutes:F1} min: {dest}");
            return 0;
        });
        return command;
    }

    /// <summary>The map step as the job <c>range map --model range --bank DEST/bank/bank.arrow --grid STEP --out DEST/map</c> submits.</summary>
    internal static JobSpec MapJob(string dest, double step, double shardDegrees)
    {
        var spec = new JobSpec
        {
            Points = new PointSourceSpec { Kind = PointSourceKind.Grid, GridDegrees = step },
            Model = new ModelSpec
            {
                Checkpoint = $"{dest}/model/{SatClipTrainer.CheckpointFile}",
                Model = "range",
                Bank = $"{dest}/bank/{LocalBankJob.BankFile}",
            },
            Destination = $"{dest}/map",
            ShardDegrees = shardDegrees,
        };
        JobPoints.Validate(spec); // before hours of training: --resolution and --shard-degrees must divide 180
        return spec;
    }
}
