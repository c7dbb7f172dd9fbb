using System.CommandLine;
using System.Globalization;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Commands;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Cli.Jobs;

/// <summary>The options of <c>range map</c> and <c>range submit</c>: model, points, destination, sharding; turned into a <see cref="JobSpec"/>.</summary>
public sealed class JobOptions
{
    public ModelOptions Model { get; } = new();

    public Option<double?> Grid { get; } = new("--grid")
    {
        HelpName = "DEG",
        Description = "Cell centres of a DEG-degree grid: lon = -180 + (i + 0.5) DEG, lat = -90 + (j + 0.5) DEG (360/DEG x 180/DEG points). DEG must divide 180.",
    };

    public Option<string?> BoundingBox { get; } = new("--bbox")
    {
        Description = "With --grid: keep only cell centres in W,S,E,N (degrees, edges included).",
    };

    public Option<long?> Fibonacci { get; } = new("--fibonacci")
    {
        Description = "The N-point spherical Fibonacci lattice (nearly equal-area).",
    };

    public Option<string[]> Input { get; } = new("--input")
    {
        Description = "Point files (CSV or Arrow with lon/lng/long/longitude and lat/latitude columns), folders of them, or az://CONTAINER/PATH blobs or prefixes; repeatable. Used to reprocess a dataset.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Output { get; } = OutputOption.Create<string>(
        "DEST",
        "Destination: a local folder or az://CONTAINER/PREFIX (connection from AZURE_STORAGE_CONNECTION_STRING). Gets shards/*.arrow and, last, manifest.json.",
        required: true, "--out");

    public Option<double> ShardDegrees { get; } = new("--shard-degrees")
    {
        Description = "Tile size in degrees (divides 180): one shard, one output file per non-empty tile.",
        // 30-degree tiles: 72 shards, big enough that the embedders' fixed-height chunks waste little on padding.
        DefaultValueFactory = _ => 30,
    };

    public Option<string> Precision { get; } = PrecisionOption.Create();

    public Option<bool> Overwrite { get; } = new("--overwrite")
    {
        Description = "Replace what DEST holds when it is another spec's map (other points, model, checkpoint, bank, tiles or precision; finished or not). " +
                      "Without it such a DEST is refused and left as it is. The same spec's output is always reused.",
    };

    public Option<string?> JobId { get; } = new("--job-id")
    {
        Description = "Job id (default: map-<time>-<random>). Submitting the same id and spec again is a no-op.",
    };

    public void AddTo(Command command)
    {
        Model.AddTo(command);
        foreach (var option in new Option[] { Grid, BoundingBox, Fibonacci, Input, Output, ShardDegrees, Precision, Overwrite, JobId })
            command.Options.Add(option);
    }

    public string JobIdOf(ParseResult result)
    {
        var id = result.GetValue(JobId) ?? MapJobRunner.NewJobId("map");
        JobPoints.ValidateJobId(id);
        return id;
    }

    public JobSpec ToSpec(ParseResult result)
    {
        var embedder = Model.ToSpec(result); // checks the model option combinations
        double? grid = result.GetValue(Grid);
        long? fibonacci = result.GetValue(Fibonacci);
        var inputs = result.GetValue(Input) ?? [];
        int sources = (grid is null ? 0 : 1) + (fibonacci is null ? 0 : 1) + (inputs.Length == 0 ? 0 : 1);
        if (sources != 1) throw new ArgumentException("give exactly one of --grid DEG, --fibonacci N, --input POINTS");
        string? bbox = result.GetValue(BoundingBox);
        if (bbox is not null && grid is null) throw new ArgumentException("--bbox applies to --grid only");
        var points = grid is not null
            ? new PointSourceSpec { Kind = PointSourceKind.Grid, GridDegrees = grid, BoundingBox = bbox is null ? null : Core.Jobs.BoundingBox.Parse(bbox).ToString() }
            : fibonacci is not null
                ? new PointSourceSpec { Kind = PointSourceKind.Fibonacci, FibonacciCount = fibonacci }
                : new PointSourceSpec { Kind = PointSourceKind.Files, Inputs = inputs.Select(Location).ToArray() };
        var spec = new JobSpec
        {
            Points = points,
            Model = new ModelSpec
            {
                Checkpoint = Location(result.GetValue(Model.Checkpoint)!.ToString()),
                Model = result.GetValue(Model.Model)!,
                Bank = result.GetValue(Model.Bank) is { } bank ? Location(bank.ToString()) : null,
                Temperature = embedder.Temperature,
                GeoTemperature = embedder.GeoTemperature,
                Beta = embedder.Beta,
                Harmonics = result.GetValue(Model.Harmonics)!,
                Selection = result.GetValue(Model.Selection)!,
                TopK = embedder.TopK,
                AngularThresholdDegrees = embedder.AngularThresholdDegrees,
            },
            Destination = Location(result.GetValue(Output)!),
            ShardDegrees = result.GetValue(ShardDegrees),
            Precision = result.GetValue(Precision)!,
            Overwrite = result.GetValue(Overwrite),
        };
        JobPoints.Validate(spec);
        return spec;
    }

    // Local paths become absolute (silos may run elsewhere in the file system); az:// URIs stay as given.
    private static string Location(string value) =>
        ArtifactLocation.IsBlobUri(value) ? value : Path.GetFullPath(value);

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
