using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Tests.Fuzzing;
using RangeOrleans.Grains.Jobs;
using Xunit.Abstractions;

namespace RangeOrleans.Cli.Tests.Jobs;

/// <summary>
/// Malformed and hostile job specs wherever they enter: `range submit` options (turned into a JobSpec),
/// the coordinator's SubmitAsync on a real (in-process) silo, and a bounded randomized run through the
/// check both share. Every case must end in a clear validation error naming the option, never a crash,
/// a hang (60 s a case) or a large allocation.
/// </summary>
public sealed class JobSpecFuzzTests(ITestOutputHelper output) : IDisposable
{
    // A hang guard, not a speed target: the first CLI run of a loaded 2-core CI machine took over 10 s.
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(60);
    private const long MaxAllocated = 64L << 20;
    private static readonly string Checkpoint = TestData.Fixture("satclip_l10/satclip.ckpt");
    private static readonly string Bank = TestData.Fixture("satclip_l10/range_db.npz");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>`range submit` options: (what differs from a valid Fibonacci job, a fragment the error must contain).</summary>
    public static TheoryData<string[], string> SubmitOptions => new()
    {
        { ["--grid", "0"], "--grid 0" },
        { ["--grid", "-1"], "--grid -1" },
        { ["--grid", "NaN"], "--grid NaN" },
        { ["--grid", "Infinity"], "--grid Infinity" },
        { ["--grid", "7"], "is not a whole number" },
        { ["--grid", "0.00001"], "points, more than the 10,000,000,000 a job may have" },
        { ["--grid", "0.0000002"], "points, more than the 10,000,000,000 a job may have" },
        { ["--grid", "1", "--bbox", "NaN,0,10,10"], "--bbox 'NaN,0,10,10': 'NaN' is not a number" },
        { ["--grid", "1", "--bbox", "10,0,-10,5"], "west must be less than east" },
        { ["--grid", "1", "--bbox", new string('9', 100_000)], "--bbox" },
        { ["--fibonacci", "-5"], "--fibonacci -5" },
        { ["--fibonacci", "100000000000"], "--fibonacci 100000000000" },
        { ["--fibonacci", "1000", "--shard-degrees", "0.05"], "tiles, more than the 2,000,000" },
        { ["--fibonacci", "1000", "--shard-degrees", "NaN"], "--shard-degrees NaN" },
        { ["--fibonacci", "1000", "--shard-degrees", "1000"], "--shard-degrees 1000" },
        { ["--fibonacci", "4000000000", "--shard-degrees", "90"], "a shard would hold up to" },
        { ["--grid", "0.01", "--shard-degrees", "0.25"], "shards, more than the 100,000" },
        { ["--grid", "1", "--fibonacci", "10"], "give exactly one of" },
        { ["--fibonacci", "1000", "--model", "bogus"], "bogus" },
        { ["--fibonacci", "1000", "--model", "range"], "needs --bank" },
        { ["--fibonacci", "1000", "--model", "range", "--bank", Bank, "--temperature", "NaN"], "temperature must be a positive number" },
        { ["--fibonacci", "1000", "--model", "range+", "--bank", Bank, "--beta", "2"], "beta must be in [0, 1]" },
        { ["--fibonacci", "1000", "--model", "range+", "--bank", Bank, "--selection", "topk", "--top-k", "-3"], "top-k needs k >= 1" },
        { ["--fibonacci", "1000", "--angular-threshold", "10"], "applies to range+ only" },
        { ["--fibonacci", "1000", "--precision", "float64"], "float64" },
        { ["--fibonacci", "1000", "--sh", "bogus"], "bogus" },
        { ["--fibonacci", "1000", "--output", "az://maps/../escape"], "is not a valid blob name prefix" },
        { ["--fibonacci", "1000", "--output", "az://UPPER/x"], "UPPER" },
        { ["--fibonacci", "1000", "--output", "/tmp/" + new string('x', 100_000)], "characters (at most 4,096)" },
        { ["--fibonacci", "1000", "--job-id", "../escape"], "--job-id '../escape'" },
        { ["--fibonacci", "1000", "--job-id", new string('j', 10_000)], "--job-id" },
        { ["--input", .. Enumerable.Range(0, 20_000).Select(i => $"/data/{i}.csv")], "20,000 inputs, at most 10,000" },
    };

    [Theory]
    [MemberData(nameof(SubmitOptions))]
    public async Task SubmitRefusesHostileOptionsWithOneLineBeforeConnecting(string[] options, string expected)
    {
        bool hasPoints = options.Any(o => o is "--grid" or "--fibonacci" or "--input");
        string[] args =
        [
            "submit", "--cluster", "127.0.0.1:1", "--checkpoint", Checkpoint,
            .. options.Contains("--model") ? [] : new[] { "--model", "satclip" },
            .. options.Contains("--output") ? [] : new[] { "--output", _dir.File("out") },
            .. hasPoints ? [] : new[] { "--fibonacci", "1000" },
            .. options,
        ];
        var result = await Task.Run(() => CliRunner.Run(args)).WaitAsync(PerCase); // TimeoutException: it hung

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("   at ", result.Error); // no stack trace
        Assert.True(result.Error.Length < 2000, $"an error of {result.Error.Length} characters: long values must not be echoed whole");
    }

    /// <summary>Specs a client can send the coordinator directly, past the CLI: (job id, spec, fragment of the error).</summary>
    private IEnumerable<(string JobId, JobSpec Spec, string Expected)> HostileSubmissions()
    {
        var valid = ValidSpec();
        var range = valid with { Model = valid.Model with { Model = "range", Bank = Bank } };
        yield return ("a.b.c", valid with { Destination = "relative/out" }, "a local path must be absolute");
        yield return ("dest-huge", valid with { Destination = "/" + new string('d', 1 << 20) }, "characters (at most 4,096)");
        yield return ("dest-escape", valid with { Destination = "az://maps/a/../../b" }, "is not a valid blob name prefix");
        yield return ("dest-nul", valid with { Destination = "/tmp/a\0b" }, "control characters");
        yield return ("dest-empty", valid with { Destination = "" }, "--output: no location given");
        yield return ("batch-zero", valid with { BatchRows = 0 }, "batch rows must be in [1, 65536], got 0");
        yield return ("batch-huge", valid with { BatchRows = int.MaxValue }, "batch rows must be in [1, 65536]");
        yield return ("precision", valid with { Precision = "float64" }, "--precision 'float64'");
        yield return ("model-unknown", valid with { Model = valid.Model with { Model = "gpt" } }, "unknown model 'gpt'");
        yield return ("model-huge", valid with { Model = valid.Model with { Model = new string('m', 1 << 20) } }, "--model");
        yield return ("harmonics", valid with { Model = valid.Model with { Harmonics = "bogus" } }, "--sh 'bogus'");
        yield return ("selection", valid with { Model = valid.Model with { Selection = "all" } }, "--selection 'all'");
        yield return ("top-k", range with { Model = range.Model with { Selection = "topk", TopK = -1 } }, "top-k needs k >= 1");
        yield return ("temperature", range with { Model = range.Model with { Temperature = double.NaN } }, "temperature must be a positive number");
        yield return ("angle", valid with { Model = valid.Model with { AngularThresholdDegrees = 5 } }, "applies to range+ only");
        yield return ("checkpoint-relative", valid with { Model = valid.Model with { Checkpoint = "satclip.ckpt" } }, "--checkpoint 'satclip.ckpt'");
        yield return ("no-points", valid with { Points = null! }, "has no points");
        yield return ("no-model", valid with { Model = null! }, "has no model");
        yield return ("kind", valid with { Points = new PointSourceSpec { Kind = (PointSourceKind)99 } }, "unknown point source kind 99");
        yield return ("grid-missing", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Grid } }, "needs --grid");
        yield return ("grid-nan", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Grid, GridDegrees = double.NaN } }, "--grid NaN");
        yield return ("grid-1e12", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Grid, GridDegrees = 0.00001 } }, "points, more than");
        yield return ("bbox-huge", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Grid, GridDegrees = 1, BoundingBox = new string(',', 1 << 20) } }, "--bbox");
        yield return ("fibonacci-max", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Fibonacci, FibonacciCount = long.MaxValue } }, "--fibonacci");
        yield return ("inputs-none", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Files } }, "--input: no point files given");
        yield return ("inputs-many", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Files, Inputs = Enumerable.Range(0, 20_000).Select(i => $"/p/{i}.csv").ToArray() } }, "at most 10,000");
        yield return ("inputs-null", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Files, Inputs = [null!] } }, "--input: no location given");
        yield return ("inputs-relative", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Files, Inputs = ["../../etc"] } }, "must be absolute");
        yield return ("shards-nan", valid with { ShardDegrees = double.NaN }, "--shard-degrees NaN");
        yield return ("shards-tiny", valid with { ShardDegrees = 0.01 }, "tiles, more than");
        yield return ("shards-full", valid with { Points = new PointSourceSpec { Kind = PointSourceKind.Fibonacci, FibonacciCount = 4_000_000_000 }, ShardDegrees = 90 }, "a shard would hold up to");
        yield return ("a/b", valid, "--job-id 'a/b'");
        yield return ("..", valid, "--job-id '..'");
        yield return (new string('k', 1000), valid, "--job-id");
    }

    [Fact]
    public async Task TheCoordinatorRefusesHostileSpecsAndStoresNothing()
    {
        var (host, client) = await ClusterHosts.StartEmbeddedAsync("cpu", CancellationToken.None);
        using (host)
        {
            var failures = new List<string>();
            int cases = 0;
            foreach (var (jobId, spec, expected) in HostileSubmissions())
            {
                cases++;
                var coordinator = client.GetGrain<IJobCoordinatorGrain>(jobId);
                var submit = coordinator.SubmitAsync(spec);
                try
                {
                    await submit.WaitAsync(PerCase);
                    failures.Add($"{Short(jobId)}: accepted");
                }
                catch (TimeoutException) { failures.Add($"{Short(jobId)}: no answer within {PerCase.TotalSeconds} s"); }
                catch (ArgumentException e) when (e.Message.Contains(expected, StringComparison.Ordinal)) { }
                catch (Exception e) { failures.Add($"{Short(jobId)}: {e.GetType().Name}: {Short(e.Message)} (expected '{expected}')"); }
                if ((await coordinator.GetStatusAsync()).State != JobState.Unknown) failures.Add($"{Short(jobId)}: a refused job was stored");
            }
            var listed = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
            Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases: " + string.Join("; ", failures));
            Assert.Empty(listed);
            Assert.Equal(34, cases);
            await host.StopAsync();
        }
    }

    [Fact]
    public void RandomizedSpecsEndInAValidationErrorOrWithinTheLimits()
    {
        var random = new Random(2026);
        var specs = Enumerable.Range(0, 600).Select(_ => RandomSpec(random)).ToList();

        var outcome = ReaderFuzzer.RunCases(specs.Select(s => (s, Describe(s))), CheckAccepted, e => e is ArgumentException, PerCase, MaxAllocated);

        Assert.True(outcome.Failures.Count == 0, $"{outcome.Failures.Count} of {outcome.Cases} cases failed:\n" + string.Join("\n", outcome.Failures.Take(10)));
        Assert.True(outcome.Refused > 100 && outcome.Accepted > 20, $"refused {outcome.Refused}, accepted {outcome.Accepted}: the pools do not reach both sides");
        output.WriteLine($"{outcome.Cases} random specs: {outcome.Refused} refused, {outcome.Accepted} accepted");
    }

    /// <summary>Validates; an accepted spec must also be one the planner can size within <see cref="JobLimits"/>.</summary>
    private static void CheckAccepted(JobSpec spec)
    {
        JobPoints.Validate(spec);
        var tiling = JobPoints.Tiling(spec);
        if (JobPoints.Generated(spec.Points) is not { } generated) return;
        var extent = generated.Extent(tiling);
        if (generated.Count > JobLimits.MaxPoints || extent.Shards > JobLimits.MaxShards || extent.LargestShard > JobLimits.MaxPointsPerShard)
            throw new InvalidOperationException($"accepted beyond the limits: {generated.Count} points, {extent}");
    }

    private JobSpec ValidSpec() => new()
    {
        Points = new PointSourceSpec { Kind = PointSourceKind.Fibonacci, FibonacciCount = 1000 },
        Model = new ModelSpec { Checkpoint = Checkpoint, Model = "satclip" },
        Destination = _dir.File("out"),
        ShardDegrees = 30,
    };

    // A random spec from valid values (some of them past the limits together, e.g. a fine grid in big
    // tiles), then, three times in four, one to three fields replaced by a hostile value.
    private static readonly double[] s_validDegrees = [0.001, 0.01, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 45, 90, 180];
    private static readonly long[] s_validCounts = [1, 1000, 1_000_000, 100_000_000, 4_000_000_000];
    private static readonly string?[] s_validBoxes = [null, "-10,-10,10,10", "0,0,0.5,0.5", "-180,-90,180,90", "100,-45,160,-10"];
    private static readonly double[] s_badDegrees = [7, 0, -1, 1e-300, double.NaN, double.PositiveInfinity, double.Epsilon, 1e300, 0.00001];
    private static readonly long[] s_badCounts = [0, -1, long.MaxValue, long.MinValue, 100_000_000_000];
    private static readonly string[] s_badBoxes = ["NaN,0,1,1", "1,2,3", "10,0,-10,5", "", "1e308,0,1e309,1", new string('1', 5000)];
    private static readonly string?[] s_badLocations = ["az://maps/../x", "relative", "", null, "az://", "az://BAD/x", "/tmp/\u0001", "/" + new string('p', 5000)];
    private static readonly string?[] s_badNames = ["gpt", "", null, "bogus", new string('n', 5000)];
    private static readonly double[] s_badReals = [0, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 181];
    private static readonly int[] s_badInts = [0, -1, int.MinValue, int.MaxValue, 65_537];

    private static T Pick<T>(Random random, T[] pool) => pool[random.Next(pool.Length)];

    private static JobSpec RandomSpec(Random random)
    {
        var kind = (PointSourceKind)random.Next(3);
        string model = Pick(random, EmbeddingModelNames.All);
        bool retrieval = model is "range" or "range+";
        var spec = new JobSpec
        {
            Points = new PointSourceSpec
            {
                Kind = kind,
                GridDegrees = kind == PointSourceKind.Grid ? Pick(random, s_validDegrees) : null,
                BoundingBox = kind == PointSourceKind.Grid ? Pick(random, s_validBoxes) : null,
                FibonacciCount = kind == PointSourceKind.Fibonacci ? Pick(random, s_validCounts) : null,
                Inputs = kind == PointSourceKind.Files ? ["/data/points.csv", "az://inputs/run"] : [],
            },
            Model = new ModelSpec
            {
                Checkpoint = Checkpoint,
                Model = model,
                Bank = retrieval ? Bank : null,
                Temperature = retrieval && random.Next(2) == 0 ? 0.07 : null,
                Beta = model == "range+" && random.Next(2) == 0 ? 0.5 : null,
                Selection = retrieval ? Pick(random, ["soft", "top1", "topk"]) : "soft",
                TopK = 1 + random.Next(500),
            },
            Destination = random.Next(2) == 0 ? "/tmp/out" : "az://maps/run",
            ShardDegrees = Pick(random, s_validDegrees),
            Precision = Pick(random, ["float32", "float16"]),
            BatchRows = 1 + random.Next(JobLimits.MaxBatchRows),
        };
        if (random.Next(4) == 0) return spec;
        for (int k = 1 + random.Next(3); k > 0; k--) spec = Mutate(spec, random);
        return spec;
    }

    private static JobSpec Mutate(JobSpec spec, Random random) => random.Next(14) switch
    {
        0 => spec with { Points = spec.Points with { GridDegrees = Pick(random, s_badDegrees) } },
        1 => spec with { Points = spec.Points with { BoundingBox = Pick(random, s_badBoxes) } },
        2 => spec with { Points = spec.Points with { FibonacciCount = Pick(random, s_badCounts) } },
        3 => spec with { Points = spec.Points with { Inputs = [Pick(random, s_badLocations)!] } },
        4 => spec with { Points = spec.Points with { Kind = (PointSourceKind)Pick(random, [-1, 3, 255]) } },
        5 => spec with { ShardDegrees = Pick(random, s_badDegrees) },
        6 => spec with { Destination = Pick(random, s_badLocations)! },
        7 => spec with { Model = spec.Model with { Model = Pick(random, s_badNames)! } },
        8 => spec with { Model = spec.Model with { Checkpoint = Pick(random, s_badLocations)! } },
        9 => spec with { Model = spec.Model with { Harmonics = Pick(random, s_badNames)!, Selection = Pick(random, s_badNames)! } },
        10 => spec with { Model = spec.Model with { Temperature = Pick(random, s_badReals), Beta = Pick(random, s_badReals) } },
        11 => spec with { Model = spec.Model with { TopK = Pick(random, s_badInts), AngularThresholdDegrees = Pick(random, s_badReals) } },
        12 => spec with { BatchRows = Pick(random, s_badInts) },
        _ => spec with { Precision = Pick(random, ["float64", "", null!, "FLOAT32"]) },
    };

    private static string Describe(JobSpec spec) =>
        Short($"{spec.Points.Kind} grid={spec.Points.GridDegrees} fib={spec.Points.FibonacciCount} bbox={spec.Points.BoundingBox} shard={spec.ShardDegrees} " +
              $"model={spec.Model.Model} dest={spec.Destination} batch={spec.BatchRows} precision={spec.Precision}");

    private static string Short(string text) => text.Length <= 160 ? text : text[..160] + "...";
}
