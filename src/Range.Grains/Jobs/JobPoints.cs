using System.Globalization;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Turns a job's spec into the core tiling and point generators, and checks a spec wherever one enters
/// (the CLI, the coordinator's submit, the planner) against what this system runs and <see cref="JobLimits"/>.
/// </summary>
public static class JobPoints
{
    public static GlobeTiling Tiling(JobSpec spec) => new(spec.ShardDegrees);

    /// <summary>The generator for grid and Fibonacci jobs; null for file inputs.</summary>
    public static IGeneratedPoints? Generated(PointSourceSpec points) => points.Kind switch
    {
        PointSourceKind.Grid => new GridPoints(
            points.GridDegrees ?? throw new ArgumentException("a grid job needs --grid DEG"),
            points.BoundingBox is null ? null : BoundingBox.Parse(points.BoundingBox)),
        PointSourceKind.Fibonacci => new FibonacciLattice(points.FibonacciCount ?? throw new ArgumentException("a Fibonacci job needs --fibonacci N")),
        _ => null,
    };

    /// <summary>
    /// Checks everything that can be checked without reading a file, cheaply whatever the spec claims
    /// (sizes are compared with the limits before anything is sized from them); ArgumentException naming
    /// the option and what is wrong.
    /// </summary>
    public static void Validate(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Points is null) throw new ArgumentException("the job has no points (--grid, --fibonacci or --input)");
        if (spec.Model is null) throw new ArgumentException("the job has no model (--checkpoint, --model)");
        RequireDestination(spec.Destination);
        if (spec.Precision is not ("float32" or "float16"))
            throw new ArgumentException($"--precision '{Shorten(spec.Precision)}': expected float32 or float16");
        if (spec.BatchRows is < 1 or > JobLimits.MaxBatchRows)
            throw new ArgumentException($"batch rows must be in [1, {JobLimits.MaxBatchRows}], got {spec.BatchRows}");
        ValidateModel(spec.Model);
        var tiling = Tiling(spec);
        ValidatePoints(spec.Points, tiling);
    }

    /// <summary>A new job id: KIND-yyyyMMdd-HHmmss-RANDOM (what range map and POST /v1/jobs give a job that names none).</summary>
    public static string NewJobId(string prefix) => $"{prefix}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Job ids name grains and blobs: 1 to 100 letters, digits, '-', '_' or '.'.</summary>
    public static void ValidateJobId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > JobLimits.MaxJobIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || id is "." or "..")
            throw new ArgumentException($"--job-id '{Shorten(id)}': use 1 to {JobLimits.MaxJobIdLength} letters, digits, '-', '_' or '.'");
    }

    /// <summary>A file job's shards, once the planner has read its points: as many and as full as the limits allow.</summary>
    public static void ValidateShards(int shards, long largestShard, IEnumerable<string> inputs)
    {
        if (shards > JobLimits.MaxShards)
            throw new ArgumentException($"--input {Shorten(string.Join(", ", inputs))}: {shards:N0} shards, more than the {JobLimits.MaxShards:N0} a job may have; use a larger --shard-degrees");
        if (largestShard > JobLimits.MaxPointsPerShard)
            throw new ArgumentException($"--input {Shorten(string.Join(", ", inputs))}: a shard holds {largestShard:N0} points, more than the {JobLimits.MaxPointsPerShard:N0} a shard may have; use a smaller --shard-degrees");
    }

    private static void ValidatePoints(PointSourceSpec points, GlobeTiling tiling)
    {
        if (!Enum.IsDefined(points.Kind)) throw new ArgumentException($"unknown point source kind {(int)points.Kind}");
        if (points.Kind == PointSourceKind.Files)
        {
            var inputs = points.Inputs ?? [];
            if (inputs.Length == 0) throw new ArgumentException("--input: no point files given");
            if (inputs.Length > JobLimits.MaxInputs) throw new ArgumentException($"--input: {inputs.Length:N0} inputs, at most {JobLimits.MaxInputs:N0} (name folders or prefixes instead)");
            foreach (var input in inputs) RequireLocation(input, "--input");
            return;
        }
        if (points.BoundingBox is { Length: > JobLimits.MaxTextLength })
            throw new ArgumentException($"--bbox: {points.BoundingBox.Length:N0} characters, expected W,S,E,N");
        var generated = Generated(points)!;
        if (generated.Count > JobLimits.MaxPoints)
            throw new ArgumentException($"the job has {generated.Count:N0} points, more than the {JobLimits.MaxPoints:N0} a job may have");
        var extent = generated.Extent(tiling);
        string degrees = tiling.TileDegrees.ToString(CultureInfo.InvariantCulture);
        if (extent.Shards > JobLimits.MaxShards)
            throw new ArgumentException($"--shard-degrees {degrees}: up to {extent.Shards:N0} shards, more than the {JobLimits.MaxShards:N0} a job may have; use larger tiles");
        if (extent.LargestShard > JobLimits.MaxPointsPerShard)
            throw new ArgumentException($"--shard-degrees {degrees}: a shard would hold up to {extent.LargestShard:N0} points, more than the {JobLimits.MaxPointsPerShard:N0} a shard may have; use smaller tiles");
    }

    /// <summary>A job's model options (also an embed request's): ArgumentException naming the option.</summary>
    public static void ValidateModel(ModelSpec model)
    {
        RequireLocation(model.Checkpoint, "--checkpoint");
        if (model.Bank is not null) RequireLocation(model.Bank, "--bank");
        if (model.Model is null or { Length: > 64 }) throw new ArgumentException($"--model '{Shorten(model.Model)}': expected one of {string.Join(", ", EmbeddingModelNames.All)}");
        var kind = EmbeddingModelNames.Parse(model.Model);
        if (model.Harmonics is not ("compat" or "exact")) throw new ArgumentException($"--sh '{Shorten(model.Harmonics)}': expected compat or exact");
        if (model.Selection is not ("soft" or "top1" or "topk")) throw new ArgumentException($"--selection '{Shorten(model.Selection)}': expected soft, top1 or topk");
        if (model.AngularThresholdDegrees is not null && kind != EmbeddingModelKind.RangePlus)
            throw new ArgumentException("--angular-threshold applies to range+ only");
        ModelReplicaCache.ToEmbedderSpec(model, model.Checkpoint, model.Bank, "cpu").Validate();
    }

    /// <summary>
    /// A job's destination, the same check for every kind of job: a location (see below) that is an az://CONTAINER/PREFIX
    /// with a valid prefix or an absolute local folder without '..' segments, so that every silo resolves it to the same
    /// place and nothing a job writes lands outside it; ArgumentException naming <paramref name="option"/> and the problem.
    /// </summary>
    public static void RequireDestination(string? destination, string option = "--output")
    {
        RequireLocation(destination, option);
        if (destination!.Split('/', '\\').Contains(".."))
            throw new ArgumentException($"{option} '{Shorten(destination)}': a '..' segment leaves the destination; give the folder itself");
    }

    // A path every silo can read (absolute: silos do not share a working folder) or an az:// URI naming a valid container and prefix.
    private static void RequireLocation(string? location, string option)
    {
        if (string.IsNullOrWhiteSpace(location)) throw new ArgumentException($"{option}: no location given");
        if (location.Length > JobLimits.MaxTextLength)
            throw new ArgumentException($"{option}: a location of {location.Length:N0} characters (at most {JobLimits.MaxTextLength:N0})");
        if (location.Any(char.IsControl)) throw new ArgumentException($"{option} '{Shorten(location)}': control characters in a location");
        if (BlobStores.IsAzure(location)) BlobStores.ParseAzure(location);
        else if (!Path.IsPathFullyQualified(location))
            throw new ArgumentException($"{option} '{Shorten(location)}': a local path must be absolute (silos do not share a working folder)");
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "...";
}
