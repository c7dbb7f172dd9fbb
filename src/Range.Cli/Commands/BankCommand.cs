using System.CommandLine;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Cli.Terminal;
using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Banks;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range bank build | import | export</c>: make a RANGE feature bank, and convert between the RANGE .npz and Arrow bank formats.</summary>
public static class BankCommand
{
    public static Command Create()
    {
        var command = new Command("bank", "Build a RANGE feature bank from imagery, or convert banks between formats.");
        command.Subcommands.Add(Build());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Export());
        return command;
    }

    private static Command Build()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "SatCLIP checkpoint trained by 'range pretrain' (its image encoder makes the keys).", Required = true };
        var data = new Option<string>("--data") { Description = "earth, earth-land, earth-one-season, earth-one-season-land or s2:DIR (as for pretrain).", Required = true };
        var entries = new Option<int?>("--entries") { Description = "Bank entries: locations sampled for earth (default 10,000), or a random subset of an s2 folder (default all)." };
        var seed = new Option<int>("--seed") { Description = "Seed for sampling and MAE training.", DefaultValueFactory = _ => 0 };
        var mae = new Option<FileInfo?>("--mae") { Description = "A masked-autoencoder checkpoint for the values; without it one is trained on the same tiles and saved as DEST/mae.ckpt." };
        var maeEpochs = new Option<int>("--mae-epochs") { Description = "Epochs when training the MAE here.", DefaultValueFactory = _ => new MaeTrainingOptions().Epochs };
        var shardSize = new Option<int>("--shard-size") { Description = "Entries per shard file.", DefaultValueFactory = _ => LocalBankJob.DefaultShardSize };
        var output = OutputOption.Create<string>("DEST", "Destination: a local folder or az://CONTAINER/PREFIX; gets shards/, shards.sha256, bank.arrow, mae.ckpt.", required: true, "--out");
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Replace what DEST holds when it is a bank of other settings (checkpoint, data, entries, seed, shard size, value encoder). " +
                          "Without it such a DEST is refused and left as it is. The same settings reuse DEST's value encoder.",
        };
        var cluster = new ClusterOption(required: false);
        var command = new Command("build", "Build a bank: keys = SatCLIP image embeddings, values = frozen MAE features, one entry per location/tile. " +
            "Runs as a sharded bank job (an in-process silo, or the cluster given by --cluster; paths must be readable by every silo). Writes DEST/shards/*.arrow, DEST/shards.sha256, DEST/bank.arrow.");
        foreach (var o in new Option[] { checkpoint, data, entries, seed, mae, maeEpochs, shardSize, output, overwrite }) command.Options.Add(o);
        cluster.AddTo(command);
        command.SetAction(result =>
        {
            ClusterOption.CheckDestination(result.GetValue(cluster.Redis), result.GetValue(output));
            var dest = TrainingOptions.DestinationOf(result.GetValue(output)!);
            var spec = result.GetValue(data)!;
            int? count = result.GetValue(entries) ?? (spec.StartsWith("earth", StringComparison.Ordinal) ? 10000 : null);
            var checkpointPath = result.GetValue(checkpoint)!.FullName;
            var dataset = DataSource.Open(spec, count, result.GetValue(seed));
            if (result.GetValue(shardSize) < 1) throw new ArgumentException($"--shard-size must be at least 1, got {result.GetValue(shardSize)}");
            var clusterOptions = cluster.Read(result);
            string jobId = MapJobRunner.NewJobId("bank"), maePath;
            using (var keys = ImageEncoders.SatClip(checkpointPath))
            {
                var given = result.GetValue(mae)?.FullName;
                BankBuild.Claim(dest, jobId, checkpointPath, spec, count, result.GetValue(seed), result.GetValue(shardSize), given, result.GetValue(maeEpochs), result.GetValue(overwrite));
                maePath = Path.GetFullPath(BankBuild.ValueEncoder(keys, dataset, dest, given, result.GetValue(maeEpochs), result.GetValue(seed), result.InvocationConfiguration.Output));
            }
            var job = new BankJobSpec
            {
                Checkpoint = checkpointPath, Mae = maePath, Data = spec, Entries = count, Seed = result.GetValue(seed),
                ShardSize = result.GetValue(shardSize), Destination = dest,
            };
            var status = BankJobRunner.RunAsync(job, jobId, clusterOptions, result.InvocationConfiguration.Output).GetAwaiter().GetResult();
            if (status.State != JobState.Completed) return 1;
            result.InvocationConfiguration.Output.WriteLine($"bank: {status.Entries:N0} entries, sha256 {status.BankSha256} -> {dest}/{LocalBankJob.BankFile}");
            return 0;
        });
        return command;
    }

    private static Command Import()
    {
        var input = new Argument<FileInfo>("BANK") { Description = "A RANGE database (.npz: locs, satclip_embeddings, image_embeddings) or an Arrow bank." };
        var output = OutputOption.Create<FileInfo>("BANK.arrow", "Arrow bank file to write.", required: true, "--out");
        var precision = PrecisionOption.Create("Key and value columns: float32 (default, exact) or float16 (half the bytes, ~3 significant digits; the checksum is of the rounded values).");
        var command = new Command("import", "Convert a RANGE .npz database (or an Arrow bank) into an Arrow bank.");
        command.Arguments.Add(input);
        command.Options.Add(output);
        command.Options.Add(precision);
        command.SetAction(result =>
        {
            OutputCheck.File(result.GetValue(output)!.FullName, OutputOption.Name, ("BANK", result.GetValue(input)!.FullName));
            var bank = FeatureBank.Load(result.GetValue(input)!.FullName);
            ArrowBankFile.Write(bank, result.GetValue(output)!.FullName, precision: EmbeddingPrecisionName.Parse(result.GetValue(precision)));
            result.InvocationConfiguration.Output.WriteLine($"imported {bank.Count:N0} entries (keys {bank.KeyDim}, values {bank.ValueDim}, {result.GetValue(precision)}) -> {result.GetValue(output)!.FullName}");
            return 0;
        });
        return command;
    }

    private static Command Export()
    {
        var input = new Argument<FileInfo>("BANK") { Description = "A bank: Arrow bank file or RANGE .npz." };
        var output = OutputOption.Create<FileInfo>("FILE.npz", ".npz file to write (float64, the published layout).", required: true, "--out");
        var command = new Command("export", "Write a bank as a RANGE .npz database.");
        command.Arguments.Add(input);
        command.Options.Add(output);
        command.SetAction(result =>
        {
            OutputCheck.File(result.GetValue(output)!.FullName, OutputOption.Name, ("BANK", result.GetValue(input)!.FullName));
            var bank = FeatureBank.Load(result.GetValue(input)!.FullName);
            RangeDatabaseNpz.Export(bank, result.GetValue(output)!.FullName);
            result.InvocationConfiguration.Output.WriteLine($"exported {bank.Count:N0} entries -> {result.GetValue(output)!.FullName}");
            return 0;
        });
        return command;
    }
}

/// <summary>The client-side step of 'bank build' and 'pipeline' before the bank job: the value encoder; DEST is a local folder or az://.</summary>
internal static class BankBuild
{
    /// <summary>
    /// DEST/job.json of a bank (<see cref="DestinationClaim.Bank"/>), before the value encoder trains: a DEST holding a bank of
    /// other settings is refused (ArgumentException) and left as it is unless <paramref name="overwrite"/>. The settings
    /// are the checkpoint's bytes, the entries sampled, the shard size and the value encoder (a given file's bytes, or
    /// the epochs of one trained here).
    /// </summary>
    public static void Claim(string dest, string jobId, string checkpoint, string data, int? entries, int seed, int shardSize, string? maePath, int maeEpochs, bool overwrite)
    {
        var settings = BankClaim.Settings(data, entries, seed, shardSize,
            maePath is null ? BankClaim.TrainedValueEncoder(maeEpochs) : BankClaim.GivenValueEncoder(ContentHash.OfFile(maePath)));
        var claim = DestinationClaim.Bank.Of(jobId, settings, new ArtifactIdentity(checkpoint, ContentHash.OfFile(checkpoint)));
        bool removed = DestinationClaim.Bank.ClaimAsync(BlobStores.Open(dest), claim, overwrite).GetAwaiter().GetResult();
        // The local copy of an az:// DEST's value encoder went with the bank it made.
        if (removed && BlobStores.IsAzure(dest)) File.Delete(Path.Combine(TrainingOptions.WorkFolderFor(dest), MaeTrainer.CheckpointFile));
    }

    /// <summary>The local path of the value encoder (MAE): the one given, the one DEST already has, or one trained now (and stored in DEST).</summary>
    public static string ValueEncoder(IImageEncoder keys, IGeoTileDataset dataset, string dest, string? maePath, int maeEpochs, int seed, TextWriter output)
    {
        if (maePath is not null) return maePath;
        var store = BlobStores.Open(dest);
        // The MAE trains in a local folder: DEST itself, or a work folder whose mae.ckpt is uploaded to az:// DEST.
        bool remote = BlobStores.IsAzure(dest);
        var work = remote ? TrainingOptions.WorkFolderFor(dest) : dest;
        Directory.CreateDirectory(work);
        var trained = Path.Combine(work, MaeTrainer.CheckpointFile);
        if (remote && !File.Exists(trained) && store.ExistsAsync(MaeTrainer.CheckpointFile).GetAwaiter().GetResult())
            StoredSatClipTraining.DownloadFileAsync(store, MaeTrainer.CheckpointFile, trained).GetAwaiter().GetResult();
        if (File.Exists(trained))
        {
            output.WriteLine($"value encoder: reusing {dest}/{MaeTrainer.CheckpointFile}");
            return trained;
        }
        var options = new MaeTrainingOptions { Epochs = maeEpochs, Seed = seed, TileSize = keys.TileSize };
        output.WriteLine($"training the value encoder (masked autoencoder, {options.FeatureDim}-d features, {options.TileSize} px tiles) on {dataset.Name}");
        // SIGINT/SIGTERM stop it at its next batch; its checkpoint is only ever written whole (temporary name, renamed).
        using (MaeTrainer.Train(dataset, options, trained, output.WriteLine, Interruption.Token)) { }
        if (remote) StoredSatClipTraining.UploadFileAsync(store, trained, MaeTrainer.CheckpointFile).GetAwaiter().GetResult();
        return trained;
    }
}
