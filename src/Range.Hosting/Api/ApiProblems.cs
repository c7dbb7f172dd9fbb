using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// RFC 7807 problem details (application/problem+json) for every refusal of the front end, each with a <c>field</c>
/// member naming the request part that is wrong (a JSON path such as <c>spec.points.gridDegrees</c>, a query parameter,
/// a header, or <c>body</c>).
/// </summary>
public static partial class ApiProblems
{
    public static IResult Problem(int status, string field, string detail, IDictionary<string, object?>? more = null)
    {
        var extensions = new Dictionary<string, object?>(more ?? new Dictionary<string, object?>()) { ["field"] = field };
        return Results.Problem(detail: detail, statusCode: status, extensions: extensions);
    }

    /// <summary>
    /// The field a validation message of the CLI's checks names (they name the command-line option, "--grid ..."), as the
    /// JSON path of the same setting under <paramref name="prefix"/> ("spec" for a job, "" for an embed request; with
    /// <paramref name="flatModel"/> for bank and pretrain specs, whose checkpoint is a top-level member); <paramref name="prefix"/> itself when none is named.
    /// </summary>
    public static string FieldOf(string message, string prefix, bool flatModel = false)
    {
        var option = OptionPattern().Match(message);
        if (!option.Success) return message.StartsWith("points", StringComparison.Ordinal) ? "points" : prefix;
        if (option.Value == "--job-id") return "jobId";
        if (!OptionFields.TryGetValue(option.Value, out var field)) return prefix;
        if (flatModel) field = field.Replace("model.", "");
        return prefix.Length == 0 ? field : $"{prefix}.{field}";
    }

    // The CLI's options and the JSON names of the spec properties they set (JobSpec, ModelSpec, BankJobSpec, PretrainJobSpec).
    private static readonly Dictionary<string, string> OptionFields = new(StringComparer.Ordinal)
    {
        ["--output"] = "destination", ["--out"] = "destination",
        ["--input"] = "points.inputs", ["--grid"] = "points.gridDegrees", ["--bbox"] = "points.boundingBox", ["--fibonacci"] = "points.fibonacciCount",
        ["--shard-degrees"] = "shardDegrees", ["--precision"] = "precision", ["--overwrite"] = "overwrite",
        ["--checkpoint"] = "model.checkpoint", ["--bank"] = "model.bank", ["--model"] = "model.model", ["--sh"] = "model.harmonics",
        ["--selection"] = "model.selection", ["--angular-threshold"] = "model.angularThresholdDegrees", ["--temperature"] = "model.temperature",
        ["--geo-temperature"] = "model.geoTemperature", ["--beta"] = "model.beta", ["--top-k"] = "model.topK",
        ["--mae"] = "mae", ["--data"] = "data", ["--entries"] = "entries", ["--seed"] = "seed", ["--shard-size"] = "shardSize",
        ["--epochs"] = "epochs", ["--batch-size"] = "batchSize", ["--lr"] = "learningRate", ["--tile-size"] = "tileSize", ["--legendre-polys"] = "legendrePolys",
    };

    [GeneratedRegex("--[a-z][a-z-]*")]
    private static partial Regex OptionPattern();
}
