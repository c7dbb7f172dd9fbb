using System.Text.Json;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// DEST/job.json for the jobs whose output is a bank or a model (<c>range bank build</c>, <c>range pretrain</c>; a map's
/// is <see cref="DestinationClaim"/>), made before anything is computed. A DEST holding this kind's output from other
/// settings or another checkpoint, or output no claim names (made by hand, or before claims), is refused with one line
/// naming what differs and left as it is, unless <c>overwrite</c>: then that output is removed first. Another kind's
/// output (a map, a model in a bank's DEST) is always refused. The same settings' output stays: a pretrain job resumes
/// after its stored epochs, a bank job reuses its value encoder.
/// </summary>
public sealed class OutputClaim
{
    public static readonly OutputClaim Bank = new("bank", "bank",
        [LocalBankJob.BankFile, LocalBankJob.ShardHashesFile, MaeTrainer.CheckpointFile], [LocalBankJob.ShardFolder + "/"]);

    public static readonly OutputClaim Pretrain = new("pretrain", "model", [SatClipTrainer.CheckpointFile], ["epoch-"]);

    private readonly string _kind;
    private readonly string _output;
    private readonly string[] _names;
    private readonly string[] _prefixes;

    private OutputClaim(string kind, string output, string[] names, string[] prefixes) =>
        (_kind, _output, _names, _prefixes) = (kind, output, names, prefixes);

    /// <summary>The job kind job.json records for this output ("bank", "pretrain").</summary>
    public string Kind => _kind;

    /// <summary>The blob names of this kind's output.</summary>
    public IReadOnlyList<string> OutputNames => _names;

    /// <summary>
    /// Refuses (ArgumentException, one line) or, with <paramref name="overwrite"/>, removes what DEST holds when it is
    /// not this job's; then records this job's claim. <paramref name="settings"/> are what decides the output (no
    /// destination, nothing a rerun may change), <paramref name="model"/> the checkpoint read. True when output was removed.
    /// </summary>
    public async Task<bool> ClaimAsync(IBlobStore destination, string jobId, object settings, ArtifactIdentity? model, bool overwrite,
        CancellationToken cancellationToken = default)
    {
        var spec = JsonSerializer.SerializeToElement(settings, settings.GetType(), JobJson.Options);
        var claim = new JobClaim { Kind = _kind, JobId = jobId, Spec = spec, Model = model };
        bool removed = false;
        for (int round = 0; ; round++)
        {
            bool replacing = false;
            if (await DifferenceAsync(destination, spec, model, cancellationToken) is { } difference)
            {
                if (!overwrite) throw new ArgumentException($"{destination.Location} holds {difference}; give --overwrite to replace it, or another --output");
                await RemoveOutputAsync(destination, cancellationToken); // the claim too
                removed = true;
            }
            else replacing = await destination.ExistsAsync(JobClaim.FileName, cancellationToken); // this settings' claim
            if (await DestinationClaim.WriteClaimAsync(destination, claim, replacing, round, cancellationToken)) return removed;
        }
    }

    /// <summary>What DEST holds that is not this job's output, in a few words, or null (nothing, or the same settings').</summary>
    private async Task<string?> DifferenceAsync(IBlobStore destination, JsonElement spec, ArtifactIdentity? model, CancellationToken cancellationToken)
    {
        if (await destination.ExistsAsync(JobManifest.FileName, cancellationToken)) throw AnotherKind(destination, "a finished map");
        if (!await destination.ExistsAsync(JobClaim.FileName, cancellationToken))
            return await HeldOutputAsync(destination, cancellationToken) is { } unclaimed ? $"a {_output} no job claims ({unclaimed})" : null;
        JobClaim held;
        try { held = JobClaim.Parse(await destination.ReadAllBytesAsync(JobClaim.FileName, cancellationToken), $"{destination.Location}/{JobClaim.FileName}"); }
        catch (RangeFormatException e) { return $"a {JobClaim.FileName} that cannot be read ({e.Message})"; } // refused, or with --overwrite replaced
        if (held.Kind != _kind) throw AnotherKind(destination, $"the output of {held.Kind} job '{held.JobId}'");
        string of = $"the {_output} of {_kind} job '{held.JobId}'";
        if (SettingDifference(held.Spec, spec) is { } setting) return $"{of} with other settings: {setting}";
        if (held.Model?.Sha256 != model?.Sha256)
            return $"{of} from another checkpoint (SHA-256 {Short(held.Model?.Sha256)}; this job's {Short(model?.Sha256)})";
        return null;
    }

    private ArgumentException AnotherKind(IBlobStore destination, string held) =>
        new($"{destination.Location} holds {held}, not a {_output}; give another --output");

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

    /// <summary>The first of this kind's output files DEST holds, or null.</summary>
    private async Task<string?> HeldOutputAsync(IBlobStore destination, CancellationToken cancellationToken)
    {
        foreach (var name in _names)
            if (await destination.ExistsAsync(name, cancellationToken)) return name;
        foreach (var prefix in _prefixes)
            await foreach (var entry in destination.ListAsync(prefix, cancellationToken)) return entry.Name;
        return null;
    }

    /// <summary>This kind's output and claim; nothing else in DEST.</summary>
    private async Task RemoveOutputAsync(IBlobStore destination, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var prefix in _prefixes)
            await foreach (var entry in destination.ListAsync(prefix, cancellationToken)) names.Add(entry.Name);
        foreach (var name in _names.Append(JobClaim.FileName))
            if (await destination.ExistsAsync(name, cancellationToken)) names.Add(name);
        foreach (var name in names) await destination.DeleteAsync(name, cancellationToken);
    }
}
