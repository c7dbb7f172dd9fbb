using System.Text.Json;
using System.Text.Json.Serialization;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// DEST/job.json, written before a job writes anything else into DEST: which spec, model and bank the output there is
/// from while it is unfinished (the manifest says so once it is finished). A later job onto the same DEST compares
/// itself with it, so that another spec's output is not silently mixed with or replaced by this one's.
/// </summary>
public sealed record JobClaim
{
    public const string FileName = "job.json";
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string JobId { get; init; }

    /// <summary>The job's spec as submitted, kept verbatim (as in the manifest).</summary>
    public required JsonElement Spec { get; init; }

    public required ArtifactIdentity Model { get; init; }
    public ArtifactIdentity? Bank { get; init; }

    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, s_options);

    /// <summary>The claim a finished job's manifest makes.</summary>
    public static JobClaim Of(JobManifest manifest) => new() { JobId = manifest.JobId, Spec = manifest.Spec, Model = manifest.Model, Bank = manifest.Bank };

    /// <summary>Parses DEST/job.json; <paramref name="source"/> names it in errors.</summary>
    public static JobClaim Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            var claim = JsonSerializer.Deserialize<JobClaim>(json, s_options) ?? throw new RangeFormatException(source, "job claim is null");
            if (claim.FormatVersion != CurrentFormatVersion)
                throw new RangeFormatException(source, $"job claim format version {claim.FormatVersion}; this build reads {CurrentFormatVersion}");
            if (string.IsNullOrEmpty(claim.JobId) || claim.Spec.ValueKind != JsonValueKind.Object || claim.Model?.Sha256 is null)
                throw new RangeFormatException(source, "not a valid job claim: no job id, spec or model checksum");
            return claim;
        }
        catch (JsonException e)
        {
            throw new RangeFormatException(source, $"not a valid job claim: {e.Message}", e);
        }
    }
}
