using System.Globalization;
using System.Text.Json;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Training;
using RangeOrleans.Grains.Maps;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Who a DEST belongs to, for every kind of job that writes one (<see cref="Map"/>, <see cref="Bank"/>,
/// <see cref="Pretrain"/>): the finished map its manifest describes, else the output its <see cref="JobClaim"/>
/// (job.json) names. Before a job writes anything, DEST holding another settings' output of the same kind is refused
/// with one line naming what differs, and left as it is, unless the job says overwrite: then that output is removed
/// first (a map's manifest first, so DEST never claims to be finished meanwhile). Another kind's output is refused even
/// with overwrite. The same settings' output stays: a map reuses its intact shards, a pretrain job resumes after its
/// stored epochs, a bank job reuses its value encoder. The kinds differ only in what "the same output" means, which
/// blobs are their output, and how output no readable claim names is taken.
/// </summary>
public sealed class DestinationClaim
{
    /// <summary><c>range map</c>: the same spec (points, model, options, tiles, precision) and checkpoint and bank bytes.</summary>
    public static readonly DestinationClaim Map = new(JobClaim.MapKind, "map", ManifestWriter.SpecJson, MapDifference, refusesUnclaimed: false,
        [JobManifest.FileName], [JobManifest.ShardFolder, ShardReceipt.Folder, JobPaths.WorkPrefix]);

    /// <summary><c>range bank build</c>: the same settings (<see cref="Banks.BankClaim"/>) and checkpoint bytes.</summary>
    public static readonly DestinationClaim Bank = Settings("bank", "bank",
        [LocalBankJob.BankFile, LocalBankJob.ShardHashesFile, MaeTrainer.CheckpointFile], [LocalBankJob.ShardFolder + "/"]);

    /// <summary><c>range pretrain</c>: the same settings (<see cref="Pretraining.PretrainJobs.ClaimSettings"/>).</summary>
    public static readonly DestinationClaim Pretrain = Settings("pretrain", "model", [SatClipTrainer.CheckpointFile], ["epoch-"]);

    private readonly string _output;
    private readonly JsonSerializerOptions _specJson;
    private readonly Func<Held, JobClaim, string?> _difference;
    private readonly bool _refusesUnclaimed;
    private readonly string[] _names;
    private readonly string[] _prefixes;

    /// <param name="output">What the kind's output is called in refusals ("map", "bank", "model").</param>
    /// <param name="specJson">How the claim records its spec (as claims of this kind always have).</param>
    /// <param name="difference">What DEST holds, named, when it is not the claim's output; null when it is.</param>
    /// <param name="refusesUnclaimed">
    /// Whether output that no readable claim names (made by hand, before claims, or beside an unreadable job.json) is
    /// refused as not this job's. A map's is not: its planner reuses only shards whose receipts match the spec, and its
    /// unreadable manifest or claim is refused as the format error it is, naming the file.
    /// </param>
    /// <param name="names">The kind's output blobs, removed on overwrite in this order.</param>
    /// <param name="prefixes">The prefixes of the kind's other output blobs, removed after <paramref name="names"/>.</param>
    private DestinationClaim(string kind, string output, JsonSerializerOptions specJson, Func<Held, JobClaim, string?> difference, bool refusesUnclaimed,
        string[] names, string[] prefixes) =>
        (Kind, _output, _specJson, _difference, _refusesUnclaimed, _names, _prefixes) = (kind, output, specJson, difference, refusesUnclaimed, names, prefixes);

    /// <summary>What DEST holds: the claim its manifest (<paramref name="Finished"/>) or job.json makes, read from <paramref name="Source"/>.</summary>
    public readonly record struct Held(JobClaim Claim, bool Finished, string Source);

    /// <summary>The job kind job.json records ("map", "bank", "pretrain").</summary>
    public string Kind { get; }

    /// <summary>
    /// This kind's claim for <paramref name="jobId"/>: <paramref name="spec"/> is what decides the output (a map's
    /// <see cref="JobSpec"/>; a bank's or a model's settings, with no destination and nothing a rerun may change).
    /// </summary>
    public JobClaim Of(string jobId, object spec, ArtifactIdentity? model, ArtifactIdentity? bank = null) => new()
    {
        Kind = Kind,
        JobId = jobId,
        Spec = JsonSerializer.SerializeToElement(spec, spec.GetType(), _specJson),
        Model = model,
        Bank = bank,
    };

    /// <summary>
    /// The output <paramref name="destination"/> holds, or null when no manifest or claim names any. Another kind's
    /// output is refused (ArgumentException, one line); a manifest or claim that cannot be read is a RangeFormatException.
    /// </summary>
    public async Task<Held?> ReadAsync(IBlobStore destination, CancellationToken cancellationToken)
    {
        bool finished = await destination.ExistsAsync(JobManifest.FileName, cancellationToken);
        if (finished && Kind != JobClaim.MapKind) throw AnotherKind(destination, "a finished map"); // only a map finishes with a manifest
        string source = $"{destination.Location}/{(finished ? JobManifest.FileName : JobClaim.FileName)}";
        JobClaim claim;
        if (finished)
            claim = JobClaim.Of(JobManifest.Parse(await destination.ReadAllBytesAsync(JobManifest.FileName, cancellationToken), source));
        else if (await destination.ExistsAsync(JobClaim.FileName, cancellationToken))
            claim = JobClaim.Parse(await destination.ReadAllBytesAsync(JobClaim.FileName, cancellationToken), source);
        else return null;
        if (claim.Kind != Kind) throw AnotherKind(destination, $"the output of {claim.Kind} job '{claim.JobId}'");
        return new Held(claim, finished, source);
    }

    /// <summary>
    /// Before a job writes into DEST: refuses (ArgumentException, one line) or, with <paramref name="overwrite"/>, removes
    /// what DEST holds when it is not <paramref name="claim"/>'s output; then records the claim. True when output was removed.
    /// </summary>
    public async Task<bool> ClaimAsync(IBlobStore destination, JobClaim claim, bool overwrite, CancellationToken cancellationToken = default)
    {
        bool removed = false;
        for (int round = 0; ; round++)
        {
            bool replacing = false;
            if (await DifferenceAsync(destination, claim, overwrite, cancellationToken) is { } difference)
            {
                if (!overwrite) throw Refusal(destination, difference);
                await RemoveOutputAsync(destination, cancellationToken); // the claim too
                removed = true;
            }
            else replacing = await destination.ExistsAsync(JobClaim.FileName, cancellationToken); // this output's claim
            if (await WriteClaimAsync(destination, claim, replacing, round, cancellationToken)) return removed;
        }
    }

    /// <summary>
    /// A map's check at submit, before anything is stored: refuses <paramref name="spec"/> (ArgumentException, one line)
    /// when its DEST holds another spec's output and the spec does not say Overwrite. Checksums are computed only when
    /// everything else is the same.
    /// </summary>
    public static async Task CheckAsync(JobSpec spec, IBlobStore destination, Func<Task<(string Model, string? Bank)>> checksums,
        CancellationToken cancellationToken)
    {
        Held? read;
        try { read = await Map.ReadAsync(destination, cancellationToken); } // another kind's DEST is refused even with Overwrite
        catch (RangeFormatException) when (spec.Overwrite) { return; }
        if (spec.Overwrite || read is not { } held) return;
        var heldSpec = SpecOf(held.Claim, held.Source);
        var difference = SpecDifference(heldSpec, held.Claim, spec, null, null);
        if (difference is null)
        {
            var (model, bank) = await checksums();
            difference = SpecDifference(heldSpec, held.Claim, spec, model, bank);
        }
        if (difference is not null) throw Refusal(destination, $"{MapOf(held)} with {difference}");
    }

    /// <summary>The spec a manifest or claim records, checked as every spec is.</summary>
    public static JobSpec SpecOf(JobClaim claim, string source)
    {
        try
        {
            var spec = claim.Spec.Deserialize<JobSpec>(ManifestWriter.SpecJson) ?? throw new JsonException("null spec");
            JobPoints.Validate(spec);
            return spec;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new RangeFormatException(source, $"its spec is not a valid job spec: {e.Message} (--overwrite replaces what DEST holds)", e);
        }
    }

    /// <summary>What DEST holds that is not <paramref name="claim"/>'s output, named, or null (nothing, or the same output).</summary>
    private async Task<string?> DifferenceAsync(IBlobStore destination, JobClaim claim, bool overwrite, CancellationToken cancellationToken)
    {
        try
        {
            if (await ReadAsync(destination, cancellationToken) is { } held) return _difference(held, claim);
            return _refusesUnclaimed && await UnclaimedOutputAsync(destination, cancellationToken) is { } unclaimed ? $"a {_output} no job claims ({unclaimed})" : null;
        }
        catch (RangeFormatException e) when (overwrite || _refusesUnclaimed) // refused, or with overwrite replaced
        {
            return $"a {JobClaim.FileName} that cannot be read ({e.Message})";
        }
    }

    /// <summary>
    /// Records <paramref name="claim"/> as DEST/job.json: over the claim DEST held (its owner's output was found to be this
    /// job's), else only if no other job claimed DEST since it was read (create-if-absent). False when one did: read again
    /// and decide again (<paramref name="round"/> 0); a second loss in a row is an error naming DEST.
    /// </summary>
    private static async Task<bool> WriteClaimAsync(IBlobStore destination, JobClaim claim, bool replacing, int round, CancellationToken cancellationToken)
    {
        if (replacing)
        {
            await destination.WriteAllBytesAsync(JobClaim.FileName, claim.ToJsonBytes(), cancellationToken);
            return true;
        }
        if (await destination.CreateIfAbsentAsync(JobClaim.FileName, claim.ToJsonBytes(), cancellationToken)) return true;
        if (round > 0) throw new IOException($"{destination.Location}: other jobs keep claiming it at the same time as job '{claim.JobId}'; give another --output");
        return false;
    }

    private static ArgumentException Refusal(IBlobStore destination, string held) =>
        new($"{destination.Location} holds {held}; give --overwrite to replace it, or another --output");

    private ArgumentException AnotherKind(IBlobStore destination, string held) =>
        new($"{destination.Location} holds {held}, not a {_output}; give another --output");

    /// <summary>The first of this kind's output blobs DEST holds, or null.</summary>
    private async Task<string?> UnclaimedOutputAsync(IBlobStore destination, CancellationToken cancellationToken)
    {
        foreach (var name in _names)
            if (await destination.ExistsAsync(name, cancellationToken)) return name;
        foreach (var prefix in _prefixes)
            await foreach (var entry in destination.ListAsync(prefix, cancellationToken)) return entry.Name;
        return null;
    }

    /// <summary>This kind's output, then its claim (last, so that DEST keeps naming what is left); nothing else in DEST.</summary>
    private async Task RemoveOutputAsync(IBlobStore destination, CancellationToken cancellationToken)
    {
        foreach (var name in _names) await destination.DeleteAsync(name, cancellationToken);
        foreach (var prefix in _prefixes) await destination.DeleteUnderAsync(prefix, cancellationToken);
        await destination.DeleteAsync(JobClaim.FileName, cancellationToken);
    }

    // A map: its spec's points, model, options, tiles and precision, then the checkpoint and bank bytes.

    private static string? MapDifference(Held held, JobClaim claim) =>
        SpecDifference(SpecOf(held.Claim, held.Source), held.Claim, claim.Spec.Deserialize<JobSpec>(ManifestWriter.SpecJson)!, claim.Model!.Sha256, claim.Bank?.Sha256)
            is { } difference ? $"{MapOf(held)} with {difference}" : null;

    private static string MapOf(Held held) => $"the {(held.Finished ? "finished" : "unfinished")} map of job '{held.Claim.JobId}'";

    /// <summary>
    /// What differs between the map held and <paramref name="spec"/>'s, in a few words, or null when it is the same
    /// (<paramref name="modelSha"/> null: checksums not compared yet).
    /// </summary>
    private static string? SpecDifference(JobSpec held, JobClaim claim, JobSpec spec, string? modelSha, string? bankSha)
    {
        string Json<T>(T value) => JsonSerializer.Serialize(value, ManifestWriter.SpecJson);
        if (Json(held.Points) != Json(spec.Points)) return $"other points ({Describe(held.Points)}; this job: {Describe(spec.Points)})";
        if (held.Model.Model != spec.Model.Model) return $"another model ({held.Model.Model}; this job: {spec.Model.Model})";
        if ((held.Model.Bank is null) != (spec.Model.Bank is null)) return held.Model.Bank is null ? "no bank (this job has one)" : "a bank (this job has none)";
        if (held.ShardDegrees != spec.ShardDegrees) return $"other tiles ({Number(held.ShardDegrees)} degrees; this job: {Number(spec.ShardDegrees)})";
        if (held.Precision != spec.Precision) return $"another precision ({held.Precision}; this job: {spec.Precision})";
        if (!ManifestWriter.SameOutput(held, spec)) return "other model options (temperature, beta, harmonics, selection, top-k or threshold)";
        if (modelSha is null) return null;
        if (claim.Model!.Sha256 != modelSha) return $"another checkpoint (SHA-256 {claim.Model.Sha256[..12]}...; this job's {modelSha[..12]}...)";
        if (claim.Bank?.Sha256 != bankSha) return $"another bank (SHA-256 {claim.Bank?.Sha256[..12]}...; this job's {bankSha?[..12]}...)";
        return null;
    }

    private static string Describe(PointSourceSpec points) => points.Kind switch
    {
        PointSourceKind.Grid => $"a {Number(points.GridDegrees)}-degree grid" + (points.BoundingBox is null ? "" : $" in {points.BoundingBox}"),
        PointSourceKind.Fibonacci => $"a {points.FibonacciCount:N0}-point lattice",
        _ => points.Inputs.Length == 1 ? $"points of {points.Inputs[0]}" : $"points of {points.Inputs.Length} inputs",
    };

    private static string Number(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    // A bank or a model: its settings, compared one by one, then the checkpoint's bytes.

    private static DestinationClaim Settings(string kind, string output, string[] names, string[] prefixes) =>
        new(kind, output, JobJson.Options, (held, claim) => SettingsDifference($"the {output} of {kind} job '{held.Claim.JobId}'", held.Claim, claim), refusesUnclaimed: true, names, prefixes);

    private static string? SettingsDifference(string of, JobClaim held, JobClaim claim)
    {
        if (SettingDifference(held.Spec, claim.Spec) is { } setting) return $"{of} with other settings: {setting}";
        if (held.Model?.Sha256 != claim.Model?.Sha256)
            return $"{of} from another checkpoint (SHA-256 {Short(held.Model?.Sha256)}; this job's {Short(claim.Model?.Sha256)})";
        return null;
    }

    /// <summary>The first setting whose value differs, as "NAME HELD (this job: NEW)".</summary>
    private static string? SettingDifference(JsonElement held, JsonElement spec)
    {
        var names = held.EnumerateObject().Select(p => p.Name).Union(spec.EnumerateObject().Select(p => p.Name));
        foreach (var name in names)
        {
            string before = Value(held, name), after = Value(spec, name);
            if (before != after) return $"{name} {before} (this job: {after})";
        }
        return null;
    }

    private static string Value(JsonElement settings, string name) =>
        !settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? "none"
        : value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string Short(string? sha) => sha is null ? "none" : sha[..Math.Min(12, sha.Length)] + "...";
}
