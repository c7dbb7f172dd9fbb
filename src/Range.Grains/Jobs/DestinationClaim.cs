using System.Globalization;
using System.Text.Json;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Who a map DEST belongs to: the finished output its manifest describes, else the unfinished output its
/// <see cref="JobClaim"/> (job.json) names. A job onto a DEST holding another spec's output (other points, model,
/// checkpoint or bank bytes, model options, tiles or precision) is refused, naming what differs, unless its spec says
/// <see cref="JobSpec.Overwrite"/>; then the old output is removed (manifest first, so DEST never claims to be finished
/// meanwhile) before anything new is written. The same spec's output is reused (reprocessing). Another kind's output
/// (a bank, a model) is refused even with Overwrite.
/// </summary>
public static class DestinationClaim
{
    /// <summary>The output <paramref name="destination"/> holds, or null when it holds none; corrupt manifests and claims are refused.</summary>
    public static async Task<(JobClaim Claim, JobSpec Spec, bool Finished)?> ReadAsync(IBlobStore destination, CancellationToken cancellationToken)
    {
        JobClaim claim;
        bool finished = await destination.ExistsAsync(JobManifest.FileName, cancellationToken);
        string source = $"{destination.Location}/{(finished ? JobManifest.FileName : JobClaim.FileName)}";
        if (finished)
            claim = JobClaim.Of(JobManifest.Parse(await destination.ReadAllBytesAsync(JobManifest.FileName, cancellationToken), source));
        else if (await destination.ExistsAsync(JobClaim.FileName, cancellationToken))
            claim = JobClaim.Parse(await destination.ReadAllBytesAsync(JobClaim.FileName, cancellationToken), source);
        else return null;
        // A bank's or a model's DEST is never a map's, --overwrite or not (as OutputClaim refuses a map's DEST).
        if (claim.Kind != JobClaim.MapKind)
            throw new ArgumentException($"{destination.Location} holds the output of {claim.Kind} job '{claim.JobId}', not a map; give another --output");
        return (claim, SpecOf(claim, source), finished);
    }

    /// <summary>
    /// Refuses <paramref name="spec"/> (ArgumentException, one line) when its DEST holds another spec's output and the
    /// spec does not say Overwrite. Checksums are computed only when everything else is the same.
    /// </summary>
    public static async Task CheckAsync(JobSpec spec, IBlobStore destination, Func<Task<(string Model, string? Bank)>> checksums,
        CancellationToken cancellationToken)
    {
        (JobClaim Claim, JobSpec Spec, bool Finished)? read;
        try { read = await ReadAsync(destination, cancellationToken); } // another kind's DEST is refused even with Overwrite
        catch (RangeFormatException) when (spec.Overwrite) { return; }
        if (spec.Overwrite || read is not { } held) return;
        var difference = Difference(held.Spec, held.Claim, spec, null, null);
        if (difference is null)
        {
            var (model, bank) = await checksums();
            difference = Difference(held.Spec, held.Claim, spec, model, bank);
        }
        if (difference is not null) throw Refusal(destination, held.Claim, held.Finished, difference);
    }

    /// <summary>
    /// Before a job writes into DEST: refuses or (with Overwrite) removes another spec's output, then records this job's
    /// claim. A DEST holding the same spec's output keeps it (the planner reuses its intact shards).
    /// </summary>
    public static async Task ClaimAsync(string jobId, JobSpec spec, string modelSha, string? bankSha, IBlobStore destination, CancellationToken cancellationToken)
    {
        var claim = new JobClaim
        {
            JobId = jobId,
            Spec = JsonSerializer.SerializeToElement(spec, ManifestWriter.SpecJson),
            Model = new ArtifactIdentity(spec.Model.Checkpoint, modelSha),
            Bank = spec.Model.Bank is null ? null : new ArtifactIdentity(spec.Model.Bank, bankSha!),
        };
        for (int round = 0; ; round++)
        {
            (JobClaim Claim, JobSpec Spec, bool Finished)? held = null;
            bool replace;
            try
            {
                held = await ReadAsync(destination, cancellationToken);
                var difference = held is { } h ? Difference(h.Spec, h.Claim, spec, modelSha, bankSha) : null;
                if (difference is not null && !spec.Overwrite) throw Refusal(destination, held!.Value.Claim, held.Value.Finished, difference);
                replace = difference is not null;
            }
            catch (RangeFormatException) when (spec.Overwrite) { replace = true; } // a corrupt manifest or claim is replaced too
            if (replace) await RemoveOutputAsync(destination, cancellationToken);
            if (await WriteClaimAsync(destination, claim, replacing: held is not null || replace, round, cancellationToken)) return;
        }
    }

    /// <summary>
    /// Records <paramref name="claim"/> as DEST/job.json: over the claim DEST held (its owner's output was found to be this
    /// job's, or removed), else only if no other job claimed DEST since it was read (create-if-absent). False when one
    /// did: read again and decide again (<paramref name="round"/> 0); a second loss in a row is an error naming DEST.
    /// </summary>
    public static async Task<bool> WriteClaimAsync(IBlobStore destination, JobClaim claim, bool replacing, int round, CancellationToken cancellationToken)
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

    /// <summary>
    /// What differs between the output held and <paramref name="spec"/>'s, in a few words, or null when it is the same
    /// (<paramref name="modelSha"/> null: checksums not compared yet).
    /// </summary>
    internal static string? Difference(JobSpec held, JobClaim claim, JobSpec spec, string? modelSha, string? bankSha)
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

    private static ArgumentException Refusal(IBlobStore destination, JobClaim held, bool finished, string difference) =>
        new($"{destination.Location} holds {(finished ? "the finished" : "the unfinished")} map of job '{held.JobId}' with {difference}; " +
            "give --overwrite to replace it, or another --output");

    private static string Describe(PointSourceSpec points) => points.Kind switch
    {
        PointSourceKind.Grid => $"a {Number(points.GridDegrees)}-degree grid" + (points.BoundingBox is null ? "" : $" in {points.BoundingBox}"),
        PointSourceKind.Fibonacci => $"a {points.FibonacciCount:N0}-point lattice",
        _ => points.Inputs.Length == 1 ? $"points of {points.Inputs[0]}" : $"points of {points.Inputs.Length} inputs",
    };

    private static string Number(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    /// <summary>The manifest first (DEST stops claiming to be finished), then the shards, their receipts and the scratch blobs.</summary>
    private static async Task RemoveOutputAsync(IBlobStore destination, CancellationToken cancellationToken)
    {
        if (await destination.ExistsAsync(JobManifest.FileName, cancellationToken)) await destination.DeleteAsync(JobManifest.FileName, cancellationToken);
        foreach (var prefix in new[] { JobManifest.ShardFolder, ShardReceipt.Folder, JobPaths.WorkPrefix })
            await destination.DeleteUnderAsync(prefix, cancellationToken);
    }
}
