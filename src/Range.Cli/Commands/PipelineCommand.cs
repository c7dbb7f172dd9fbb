using System.CommandLine;
using System.Diagnostics;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Hosting;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range pipeline</c>: pretrain, build a bank, map the globe at 1 degree with RANGE, in that order,
/// (DEST/model, DEST/bank, DEST/map). Pretraining is a pretrain job, the bank a sharded bank job (its value encoder
/// trains here) and the map a <c>range map --grid</c> job, each in an in-process silo or on the cluster given by
/// --cluster. Each step resumes from what an interrupted run left.
/// </summary>
public static class PipelineCommand
{
    public static Command Create()
    {
        var o = new TrainingOptions();
        var bankEntries = new Option<int>("--bank-entries") { Description = "Bank entries (earth: sampled locations; s2: a subset).", DefaultValueFactory = _ => 10000 };
        var grid = new Option<double>("--grid")
        {
            HelpName = "DEG",
            Description = "Spacing of the map's grid in degrees, as for range map --grid (DEG must divide 180).",
            DefaultValueFactory = _ => 1.0,
        }.WithHiddenAliases("--resolution");
        var shardDegrees = new Option<double>("--shard-degrees") { Description = "Map tile size in degrees (divides 180): one shard file per tile.", DefaultValueFactory = _ => 30 };
        var cluster = new ClusterOption(required: false);
        var command = new Command("pipeline", "Pretrain SatCLIP, build a RANGE bank, and write a global RANGE embedding map (DEST/model/last.ckpt, DEST/bank/bank.arrow, DEST/map/manifest.json + DEST/map/shards/*.arrow, as range map writes).");
        o.AddTo(command);
        command.Options.Add(bankEntries);
        command.Options.Add(grid);
        command.Options.Add(shardDegrees);
        cluster.AddTo(command);
        command.SetAction(result =>
        {
            var clock = Stopwatch.StartNew();
            var output = result.InvocationConfiguration.Output;
            ClusterOption.CheckDestination(result.GetValue(cluster.Redis), result.GetValue(o.Output));
            var dest = o.Destination(result);
            var pretrainJob = o.ToJobSpec(result, $"{dest}/model");
            double step = result.GetValue(grid);
            var target = cluster.Read(result);
            string where = target is null ? "in-process silo" : "cluster " + RedisConnection.Display(target.Redis!);
            var mapJob = MapJob(dest, step, result.GetValue(shardDegrees));

            output.WriteLine($"[1/3] pretrain: {pretrainJob.Epochs} epochs, batch {pretrainJob.BatchSize}, as a pretrain job ({where})");
            var trained = PretrainJobRunner.RunAsync(pretrainJob, MapJobRunner.NewJobId("pipeline-pretrain"), target, output).GetAwaiter().GetResult();
            if (trained.State != JobState.Completed) return 1;
            var checkpoint = LocalCheckpoint(pretrainJob.Destination);
            output.WriteLine($"      {clock.Elapsed.TotalMinutes:F1} min");

            output.WriteLine("[2/3] bank");
            var bankData = DataSource.Open(pretrainJob.Data, result.GetValue(bankEntries), pretrainJob.Seed);
            var bankDir = $"{dest}/bank";
            string mae, bankJobId = MapJobRunner.NewJobId("pipeline-bank");
            int maeEpochs = new MaeTrainingOptions().Epochs;
            using (var keys = ImageEncoders.SatClip(checkpoint))
            {
                // The bank is derived from the model this run made: a bank of an earlier run's model is replaced.
                BankBuild.Claim(bankDir, bankJobId, checkpoint, pretrainJob.Data, result.GetValue(bankEntries), pretrainJob.Seed, LocalBankJob.DefaultShardSize, null, maeEpochs, overwrite: true);
                mae = Path.GetFullPath(BankBuild.ValueEncoder(keys, bankData, bankDir, null, maeEpochs, pretrainJob.Seed, output));
            }
            var bankJob = new BankJobSpec
            {
                Checkpoint = checkpoint, Mae = mae, Data = pretrainJob.Data, Entries = result.GetValue(bankEntries), Seed = pretrainJob.Seed,
                ShardSize = LocalBankJob.DefaultShardSize, Destination = bankDir,
            };
            var bank = BankJobRunner.RunAsync(bankJob, bankJobId, target, output).GetAwaiter().GetResult();
            if (bank.State != JobState.Completed) return 1;
            output.WriteLine($"      {bank.Entries:N0} entries; {clock.Elapsed.TotalMinutes:F1} min");

            output.WriteLine($"[3/3] map: RANGE embeddings on the {step}-degree global grid, as a 'range map' job ({where})");
            var status = MapJobRunner.RunAsync(mapJob, MapJobRunner.NewJobId("pipeline-map"), target, "cpu", output).GetAwaiter().GetResult();
            if (status.State != JobState.Completed) return 1;
            output.WriteLine($"pipeline done in {clock.Elapsed.TotalMinutes:F1} min: {dest}");
            return 0;
        });
        return command;
    }

    /// <summary>The local path of DEST/last.ckpt for the bank step's encoders: the file itself, or for az:// a download of it.</summary>
    private static string LocalCheckpoint(string destination)
    {
        if (!BlobStores.IsAzure(destination)) return Path.Combine(destination, SatClipTrainer.CheckpointFile);
        var path = Path.Combine(TrainingOptions.WorkFolderFor(destination), SatClipTrainer.CheckpointFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        StoredSatClipTraining.DownloadFileAsync(BlobStores.Open(destination), SatClipTrainer.CheckpointFile, path).GetAwaiter().GetResult();
        return path;
    }

    /// <summary>The map step as the job <c>range map --model range --bank DEST/bank/bank.arrow --grid STEP --output DEST/map</c> submits.</summary>
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
            // The map is derived from the model and bank this run made: a map of an earlier run's model is replaced.
            Overwrite = true,
        };
        JobPoints.Validate(spec); // before hours of training: --grid and --shard-degrees must divide 180
        return spec;
    }
}
