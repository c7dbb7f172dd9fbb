namespace RangeOrleans.Core.Jobs;

/// <summary>
/// DEST/job.json, written before a job writes anything else into DEST: which kind of job's output DEST holds, and from
/// which spec, model and bank, while it is unfinished (a map's manifest says so once it is finished; bank and pretrain
/// jobs keep theirs). A later job onto the same DEST compares itself with it, so that another spec's output is not
/// silently mixed with or replaced by this one's.
/// </summary>
public sealed record JobClaim : JobJson
{
    public const string FileName = "job.json";

    public const string MapKind = "map";

    /// <summary>map, bank or pretrain; claims written before kinds were recorded are maps.</summary>
    public string Kind { get; init; } = MapKind;

    /// <summary>The checkpoint the output is computed from: always for a map and a bank; a pretrain job reads none.</summary>
    public ArtifactIdentity? Model { get; init; }

    /// <summary>The claim a finished map's manifest makes.</summary>
    public static JobClaim Of(JobManifest manifest) => new() { JobId = manifest.JobId, Spec = manifest.Spec, Model = manifest.Model, Bank = manifest.Bank };

    /// <summary>Parses DEST/job.json; <paramref name="source"/> names it in errors.</summary>
    public static JobClaim Parse(ReadOnlySpan<byte> json, string source) => Parse<JobClaim>(json, source, "job claim", claim =>
        string.IsNullOrEmpty(claim.Kind) ? "no job kind"
        : claim.Kind == MapKind && claim.Model?.Sha256 is null ? "no model checksum"
        : null);
}
