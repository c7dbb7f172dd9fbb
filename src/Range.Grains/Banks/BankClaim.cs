using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Grains.Banks;

/// <summary>
/// DEST/job.json of a bank (<see cref="DestinationClaim.Bank"/>): the settings that decide its shards (data, entries, seed,
/// shard size, value encoder) and the checkpoint's SHA-256. The client claims before it trains a value encoder (so a wrong
/// DEST is refused before minutes of training); the bank job claims again at submit, so a job submitted any other way
/// (the HTTP API) never reuses shards that another settings' job recorded in shards.sha256.
/// </summary>
public static class BankClaim
{
    private const string TrainedPrefix = "trained here, ";

    /// <summary>The claimed settings; <paramref name="valueEncoder"/> from <see cref="GivenValueEncoder"/> or <see cref="TrainedValueEncoder"/>.</summary>
    public static object Settings(string data, int? entries, int seed, int shardSize, string valueEncoder) =>
        new { data, entries, seed, shardSize, valueEncoder };

    /// <summary>A value encoder given as a file: its bytes decide.</summary>
    public static string GivenValueEncoder(string sha256) => $"SHA-256 {sha256}";

    /// <summary>A value encoder the client trains into DEST/mae.ckpt: claimed before it exists, by what decides it.</summary>
    public static string TrainedValueEncoder(int epochs) => $"{TrainedPrefix}{epochs} epochs";

    /// <summary>
    /// The bank job's claim at submit: refuses (ArgumentException, one line) a DEST holding another settings' bank, or
    /// bank output no job claims, unless the spec says Overwrite. A DEST whose claim says its value encoder was trained
    /// there is the same bank when DEST/mae.ckpt has the bytes of the spec's value encoder (the client trained it there).
    /// </summary>
    public static async Task ClaimAsync(IBlobStore destination, string jobId, BankJobSpec spec, IBlobStoreFactory stores, CancellationToken cancellationToken)
    {
        string checkpointSha = await ArtifactLocation.Sha256Async(spec.Checkpoint, stores, cancellationToken);
        string maeSha = await ArtifactLocation.Sha256Async(spec.Mae, stores, cancellationToken);
        string valueEncoder = await HeldTrainedValueEncoderAsync(destination, maeSha, cancellationToken) ?? GivenValueEncoder(maeSha);
        var claim = DestinationClaim.Bank.Of(jobId, Settings(spec.Data, spec.Entries, spec.Seed, spec.ShardSize, valueEncoder),
            new ArtifactIdentity(spec.Checkpoint, checkpointSha));
        await DestinationClaim.Bank.ClaimAsync(destination, claim, spec.Overwrite, cancellationToken);
    }

    /// <summary>The held claim's "trained here" value encoder when DEST/mae.ckpt is the one given, else null.</summary>
    private static async Task<string?> HeldTrainedValueEncoderAsync(IBlobStore destination, string maeSha, CancellationToken cancellationToken)
    {
        DestinationClaim.Held? held;
        try { held = await DestinationClaim.Bank.ReadAsync(destination, cancellationToken); }
        catch (Exception e) when (e is RangeFormatException or ArgumentException) { return null; } // the claim itself refuses it, naming why
        if (held is not { } h || !h.Claim.Spec.TryGetProperty("valueEncoder", out var value) || value.ValueKind != System.Text.Json.JsonValueKind.String
            || value.GetString() is not { } encoder || !encoder.StartsWith(TrainedPrefix, StringComparison.Ordinal)) return null;
        if (!await destination.ExistsAsync(MaeTrainer.CheckpointFile, cancellationToken)) return null;
        return await destination.Sha256Async(MaeTrainer.CheckpointFile, cancellationToken) == maeSha ? encoder : null;
    }
}
